from django.urls import path

from .views import assessors, booking, candidates, decisions, managers, moderation, staff

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
    # Practice observation: candidates book, assessors score, regulator staff moderate and calibrate
    path("candidates/<int:pk>/observation/book/", booking.book, name="book"),
    path("bookings/<int:pk>/cancel/", booking.cancel, name="cancel_booking"),
    path("assessor/", assessors.home, name="assessor"),
    path("assessor/bookings/<int:pk>/check-in/", assessors.check_in, name="check_in"),
    path("assessor/scoresheets/<int:pk>/", assessors.scoresheet, name="scoresheet"),
    path("assessor/scoresheets/<int:pk>/autosave/", assessors.autosave, name="autosave"),
    path("assessor/calibration/", assessors.my_calibration, name="my_calibration"),
    path("staff/moderation/", moderation.queue, name="moderation"),
    path("staff/moderation/<int:pk>/", moderation.case, name="moderation_case"),
    path("staff/calibration/", moderation.calibration, name="calibration"),
    path("staff/calibration.csv", moderation.calibration_csv, name="calibration_csv"),
    path("staff/sessions/", moderation.sessions, name="sessions"),
    path("staff/observation/", moderation.statistics, name="observation_statistics"),
    # The decision and certificate (stage 4): regulator staff confirm, revoke and make certificates
    path("staff/decisions/", decisions.decisions, name="decisions"),
    path("staff/decisions/<int:pk>/", decisions.confirm, name="confirm"),
    path("staff/accreditations/", decisions.accreditations, name="accreditations"),
    path("staff/accreditations/<int:pk>/revoke/", decisions.revoke, name="revoke"),
    path("staff/accreditations/<int:pk>/certificate/", decisions.remake, name="remake"),
    path("staff/certificates/", decisions.batch, name="batch"),
    path("staff/credentials/reissue/", decisions.reissue_credentials, name="reissue_credentials"),
    # The holder and regulator staff: the accreditation, its certificate and signed credential
    path("accreditations/<int:pk>/", decisions.accreditation, name="accreditation"),
    path("accreditations/<int:pk>/certificate.pdf", decisions.certificate_pdf, name="certificate_pdf"),
    path("accreditations/<int:pk>/credential.json", decisions.credential_json, name="credential_json"),
]
