"""Load test with Locust against gunicorn and PostgreSQL (`python -m tests.load.run`)."""
