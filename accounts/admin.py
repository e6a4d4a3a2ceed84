from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .models import Invite, Mentorship, Program, ResearchManagerAssignment, User


def people_of_staff(user: User) -> QuerySet[User]:
    """The accounts a non-superuser staff account may see in the admin: itself and the
    people of the programs it staffs (scholars, mentors, research managers, staff, invitees);
    never a superuser (operators are not program people)."""
    mine = Program.objects.filter(staff=user)
    in_mine = (
        Q(pk=user.pk)
        | Q(pk__in=Mentorship.objects.filter(program__in=mine).values("scholar"))
        | Q(pk__in=Mentorship.objects.filter(program__in=mine).values("mentor"))
        | Q(pk__in=ResearchManagerAssignment.objects.filter(program__in=mine).values("scholar"))
        | Q(pk__in=ResearchManagerAssignment.objects.filter(program__in=mine).values("manager"))
        | Q(pk__in=Program.staff.through.objects.filter(program__in=mine).values("user"))
        | Q(pk__in=Invite.objects.filter(program__in=mine).values("user"))
    )
    return User.objects.filter(in_mine).exclude(is_superuser=True)


class ScopedToStaffedPrograms(admin.ModelAdmin):
    """A staff account sees only the rows of programs it staffs (PRIVACY.md: another
    program's staff see nothing); superusers (operators) see everything."""

    program_path = "program"  # the lookup from the model to its Program ("" for Program)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        lookup = f"{self.program_path}__staff" if self.program_path else "staff"
        return qs.filter(**{lookup: request.user}).distinct()

    # The choices of the forms are scoped too: no other program, and nobody outside the
    # staff account's programs, can be picked (or probed by id).
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            if db_field.related_model is Program:
                kwargs["queryset"] = Program.objects.staffed_by(request.user)
            elif db_field.related_model is User:
                kwargs["queryset"] = people_of_staff(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser and db_field.related_model is User:
            # the program's current staff stay choosable, so saving never drops one
            current = Program.staff.through.objects.filter(program__staff=request.user).values(
                "user"
            )
            kwargs["queryset"] = User.objects.filter(
                Q(pk__in=people_of_staff(request.user).values("pk")) | Q(pk__in=current)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "time_zone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Profile", {"fields": ("email", "display_name", "time_zone")}),
    )
    list_display = ("username", "display_name", "email", "time_zone", "is_staff")
    search_fields = ("username", "display_name", "email")

    # A staff account that is not a superuser sees and edits only the people of the
    # programs it staffs, never a superuser, and cannot grant rights. It cannot change anyone's
    # username, e-mail or password either (that would let it take over an account and read what
    # PRIVACY.md keeps from staff); people are added by invitation and deleted through the
    # people page, which explains what goes with them.
    PROTECTED_FIELDS = (
        "username",
        "email",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "last_login",
        "date_joined",
    )

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=people_of_staff(request.user).values("pk"))

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return readonly
        return (*readonly, *self.PROTECTED_FIELDS)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        # no "set password" link that would only answer 403
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "password"]})
            for name, opts in fieldsets
        ]

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied("Only operators set passwords; people reset their own.")
        return super().user_change_password(request, id, form_url)


class MentorshipInline(admin.TabularInline):
    model = Mentorship
    extra = 0
    autocomplete_fields = ("scholar", "mentor")


@admin.register(Program)
class ProgramAdmin(ScopedToStaffedPrograms):
    program_path = ""

    list_display = ("name", "slug", "starts_on", "ends_on")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("staff",)
    inlines = [MentorshipInline]


@admin.register(Mentorship)
class MentorshipAdmin(ScopedToStaffedPrograms):
    list_display = ("scholar", "mentor", "program", "cadence_days", "started_on", "active")
    list_filter = ("program", "active")
    search_fields = ("scholar__username", "mentor__username", "scholar__email", "mentor__email")
    autocomplete_fields = ("scholar", "mentor")


@admin.register(ResearchManagerAssignment)
class ResearchManagerAssignmentAdmin(ScopedToStaffedPrograms):
    list_display = ("scholar", "manager", "program")
    list_filter = ("program",)
    autocomplete_fields = ("scholar", "manager")


# --- Invitations -----------------------------------------------------------------------------


@admin.register(Invite)
class InviteAdmin(ScopedToStaffedPrograms):  # scoped like the other program rows
    list_display = ("email", "program", "role", "sent_at", "send_count", "accepted_at")
    list_filter = ("program", "role")
    search_fields = ("email", "user__username")
    raw_id_fields = ("user", "invited_by")
    readonly_fields = ("created_at", "sent_at", "send_count", "accepted_at")
