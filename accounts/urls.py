from django.urls import path

from . import api_tokens, views

urlpatterns = [
    path("", views.home, name="home"),
    path("account/", views.account_settings, name="account_settings"),
    path("messages/", views.my_messages, name="my_messages"),
    path("messages/<int:pk>/", views.my_message, name="my_message"),
    path("messages/reminders/", views.message_settings, name="message_settings"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="job_download"),
    path("audit/", views.audit_log, name="audit_log"),
    path("history/<str:app_label>/<str:model>/<str:pk>/", views.record_history, name="record_history"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.healthz_live, name="healthz_live"),
    path("service-health/", views.service_health, name="service_health"),
    path("metrics", views.metrics_view, name="metrics"),
]
urlpatterns += [
    path("account/api-token/", api_tokens.api_token_create, name="api_token_create"),
    path("account/api-token/revoke/", api_tokens.api_token_revoke, name="api_token_revoke"),
]
