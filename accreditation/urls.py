from django.urls import path

from .views import candidates, managers, staff

app_name = "accreditation"
urlpatterns = [
    # Social workers
    path("", candidates.pathway, name="pathway"),
    path("ask/", candidates.ask, name="ask"),
    path("candidates/<int:pk>/", candidates.candidate, name="candidate"),
    path("candidates/<int:pk>/withdraw/", candidates.withdraw, name="withdraw"),
    path("candidates/<int:pk>/test/", candidates.start, name="start"),
    path("tests/<int:pk>/questions/<int:n>/", candidates.question, name="question"),
    path("tests/<int:pk>/check/", candidates.review, name="review"),
    path("tests/<int:pk>/result/", candidates.result, name="result"),
    # Line managers
    path("nominees/", managers.nominees, name="nominees"),
    path("nominees.csv", managers.nominees_csv, name="nominees_csv"),
    path("nominate/", managers.nominate, name="nominate"),
    # Everyone signed in may read the standards; regulator staff revise them
    path("standards/", staff.standards, name="standards"),
    # Regulator staff
    path("staff/", staff.staff_home, name="staff"),
    path("staff/candidates/<int:pk>/adjustment/", staff.adjustment, name="adjustment"),
    path("staff/standards/<str:level>/", staff.standard_edit, name="standard_edit"),
    path("staff/settings/<str:level>/", staff.settings_edit, name="settings_edit"),
    path("staff/bank/", staff.bank, name="bank"),
    path("staff/bank/new/", staff.item_new, name="item_new"),
    path("staff/bank/scenarios/new/", staff.scenario_new, name="scenario_new"),
    path("staff/bank/<int:pk>/", staff.item, name="item"),
    path("staff/statistics/", staff.statistics, name="statistics"),
]
