import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cem_project.settings.local")

app = Celery("cem_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
