from django.urls import path

from . import views_optout

# Included by surveys/urls.py, so the names live in the `surveys` namespace.
urlpatterns = [
    path("s/<str:token>/unsubscribe/", views_optout.unsubscribe, name="unsubscribe"),
]
