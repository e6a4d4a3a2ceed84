"""Every model of the project has a factory, and each factory builds a valid saved row."""

import factory
import pytest
from django.apps import apps

from tests import factories

APPS = ("accounts", "meetings")

FACTORIES = [
    value
    for value in vars(factories).values()
    if isinstance(value, type)
    and issubclass(value, factory.django.DjangoModelFactory)
    and value._meta.model is not None
]


def test_every_model_has_a_factory():
    built = {f._meta.model for f in FACTORIES}
    models = [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if not model._meta.abstract and not model._meta.proxy
    ]
    assert len(models) > 20  # the walk found the apps' models
    assert [m.__name__ for m in models if m not in built] == []


@pytest.mark.parametrize("factory_class", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_builds_a_valid_saved_row(db, factory_class):
    row = factory_class()
    saved = factory_class._meta.model.objects.get(pk=row.pk)
    saved.full_clean()
    row.full_clean()
