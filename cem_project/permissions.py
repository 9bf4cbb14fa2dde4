"""What an API caller may do: the API's default permission (settings REST_FRAMEWORK).

A caller must be an active staff user and hold the model permission of the method: `view_` to
read, `add_` to create, `change_` to update, `delete_` to delete (Django's model permissions,
given by the roles of cem_project/roles.py). Which rows they see is the separate rule of
customers.querysets, applied by each view's queryset.

A view without a queryset names its model in `permission_model` (e.g. the event endpoints:
`TouchPointEvent`, so posting an event needs `add_touchpointevent`). A view with neither is
readable by every staff user and writable by none: set `permission_model = None` only on
read-only aggregates already scoped to the caller's accounts (the metrics).
"""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions

_UNSET = object()


class RolePermissions(DjangoModelPermissions):
    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active and user.is_staff):
            return False
        if getattr(view, "_ignore_model_permissions", False):
            return True
        model = getattr(view, "permission_model", _UNSET)
        if model is _UNSET:
            return super().has_permission(request, view)
        if model is None:
            return request.method in SAFE_METHODS
        return user.has_perms(self.get_required_permissions(request.method, model))
