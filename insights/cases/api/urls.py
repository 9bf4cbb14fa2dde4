from rest_framework.routers import SimpleRouter

from .views import AlertRuleViewSet, CaseViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("alert-rules", AlertRuleViewSet, basename="alert-rule")

urlpatterns = router.urls
