"""Who may call what: one decision for every route of the JSON API.

A route missing here fails the tests, so no endpoint ships without an explicit
access decision. Values: "public" (no login), "authenticated" (any role), or the
Permission a caller must hold (api.security.ROLE_PERMISSIONS says which roles do).
"""

DECISIONS: dict[str, str] = {
    "GET /health": "public",
    "GET /health/ready": "public",
    "POST /api/v1/auth/token": "public",
    "POST /api/v1/auth/logout": "authenticated",
    "GET /api/v1/auth/me": "authenticated",
    "GET /api/v1/users": "manage_users",
    "POST /api/v1/users": "manage_users",
    "GET /api/v1/users/{user_id}": "manage_users",
    "PATCH /api/v1/users/{user_id}": "manage_users",
    "POST /api/v1/users/{user_id}/device-tokens": "manage_users",
    "GET /api/v1/users/{user_id}/device-tokens": "manage_users",
    "DELETE /api/v1/users/{user_id}/device-tokens/{token_id}": "manage_users",
    "GET /api/v1/audit": "read_audit",
    "POST /api/v1/instruments": "write_instruments",
    "GET /api/v1/instruments": "read_instruments",
    "POST /api/v1/instruments/validate": "write_instruments",
    "GET /api/v1/instruments/{form_id}": "read_instruments",
    "GET /api/v1/instruments/{form_id}/versions/{version}": "read_instruments",
    "PUT /api/v1/instruments/{form_id}/versions/{version}": "write_instruments",
    "DELETE /api/v1/instruments/{form_id}/versions/{version}": "write_instruments",
    "POST /api/v1/instruments/{form_id}/versions/{version}/publish": "write_instruments",
    "POST /api/v1/instruments/{form_id}/versions/{version}/retire": "write_instruments",
    "GET /api/v1/instruments/{form_id}/versions/{version}/preview": "read_instruments",
    "GET /api/v1/instruments/{form_id}/versions/{version}/xlsform": "read_instruments",
    "GET /api/v1/instruments/{form_id}/versions/{version}/xform": "read_instruments",
    "GET /api/v1/instruments/{form_id}/diff": "read_instruments",
    "POST /api/v1/submissions": "submit_interviews",
    "GET /api/v1/submissions": "read_interviews",
    "POST /api/v1/submissions/batch": "submit_interviews",
    "GET /api/v1/submissions/{instance_id}": "read_interviews",
    "PUT /api/v1/submissions/{instance_id}": "edit_interviews",
    "DELETE /api/v1/submissions/{instance_id}": "delete_interviews",
    "GET /api/v1/submissions/{instance_id}/revisions": "read_interviews",
    "POST /api/v1/submissions/{instance_id}/review": "review_interviews",
    "POST /api/v1/submissions/{instance_id}/restore": "restore_interviews",
    "GET /api/v1/submissions/{instance_id}/personal": "read_personal_identifiers",
}
