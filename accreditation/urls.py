from django.urls import path

from . import views

app_name = "accreditation"
urlpatterns = [
    # Social workers
    path("", views.pathway, name="pathway"),
    path("ask/", views.ask, name="ask"),
    path("candidates/<int:pk>/", views.candidate, name="candidate"),
    path("candidates/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("candidates/<int:pk>/test/", views.start, name="start"),
    path("tests/<int:pk>/questions/<int:n>/", views.question, name="question"),
    path("tests/<int:pk>/check/", views.review, name="review"),
    path("tests/<int:pk>/result/", views.result, name="result"),
    # Line managers
    path("nominees/", views.nominees, name="nominees"),
    path("nominees.csv", views.nominees_csv, name="nominees_csv"),
    path("nominate/", views.nominate, name="nominate"),
    # Everyone signed in may read the standards; regulator staff revise them
    path("standards/", views.standards, name="standards"),
    # Regulator staff
    path("staff/", views.staff_home, name="staff"),
    path("staff/candidates/<int:pk>/adjustment/", views.adjustment, name="adjustment"),
    path("staff/standards/<str:level>/", views.standard_edit, name="standard_edit"),
    path("staff/settings/<str:level>/", views.settings_edit, name="settings_edit"),
    path("staff/bank/", views.bank, name="bank"),
    path("staff/bank/new/", views.item_new, name="item_new"),
    path("staff/bank/scenarios/new/", views.scenario_new, name="scenario_new"),
    path("staff/bank/<int:pk>/", views.item, name="item"),
    path("staff/statistics/", views.statistics, name="statistics"),
]
