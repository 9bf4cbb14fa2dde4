from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    AccountViewSet,
    AuthTokenApi,
    ContactViewSet,
    TouchPointViewSet,
    VerticalMarketViewSet,
)

router = DefaultRouter()
router.register("accounts", AccountViewSet, basename="account")
router.register("contacts", ContactViewSet, basename="contact")
router.register("touch-points", TouchPointViewSet, basename="touch-point")
router.register("vertical-markets", VerticalMarketViewSet, basename="vertical-market")

urlpatterns = [
    path("auth/token/", AuthTokenApi.as_view(), name="auth-token"),
    *router.urls,
]
