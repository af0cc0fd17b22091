"""Practice observation in the API, under the same rules as the pages."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import API_PERMISSIONS

from .. import selectors, services
from ..models import AssessmentSession, Booking, Candidate, Observation, Scoresheet
from ..selectors import observation as obs_selectors
from ..serializers.observation import (
    BookingSerializer,
    BookSerializer,
    CalibrationSerializer,
    CancelReasonSerializer,
    CheckInSerializer,
    DraftSerializer,
    ObservationSerializer,
    ResolveSerializer,
    ScoresheetSerializer,
    SessionSerializer,
)
from . import TAGS, HasPerm, _require, _service


def _candidate(request, pk):
    try:
        c = selectors.candidate_detail(pk)
    except Candidate.DoesNotExist as exc:
        raise Http404 from exc
    _require(request, "accreditation.book_observation", c)
    return c


@extend_schema(tags=TAGS)
class CandidateSessionsView(APIView):
    """Sessions the candidate may book (places free, no conflict of interest); POST books one."""

    permission_classes = API_PERMISSIONS

    @extend_schema(responses=SessionSerializer(many=True))
    def get(self, request, pk):
        c = _candidate(request, pk)
        return Response(SessionSerializer(obs_selectors.open_sessions_for(c), many=True).data)

    @extend_schema(request=BookSerializer, responses=BookingSerializer)
    def post(self, request, pk):
        c = _candidate(request, pk)
        data = BookSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = get_object_or_404(AssessmentSession, pk=data.validated_data["session"])
        booking = _service(
            lambda: services.book_session(
                candidate=c, session=session, by=request.user, adjustments=data.validated_data["adjustments"]
            )
        )
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, request=CancelReasonSerializer, responses=BookingSerializer)
class CancelBookingView(APIView):
    permission_classes = API_PERMISSIONS

    def post(self, request, pk):
        booking = get_object_or_404(Booking.objects.select_related("candidate"), pk=pk)
        _require(request, "accreditation.book_observation", booking.candidate)
        data = CancelReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = _service(
            lambda: services.cancel_booking(booking=booking, by=request.user, reason=data.validated_data["reason"])
        )
        return Response(BookingSerializer(booking).data)


@extend_schema(tags=TAGS, request=CheckInSerializer, responses=ObservationSerializer)
class CheckInView(APIView):
    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.check_in"

    def post(self, request, pk):
        booking = obs_selectors.booking_for_assessor(request.user, pk)
        data = CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        observation = _service(lambda: services.check_in(booking=booking, by=request.user, **data.validated_data))
        return Response(ObservationSerializer(observation).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class AssessorScoresheetsView(ListAPIView):
    """The assessor's own scoresheets, paged like every list here: those still to score first (drafts first), then
    those submitted, newest first (never another assessor's, never a conflicted candidate's)."""

    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.view_assessor_work"
    serializer_class = ScoresheetSerializer
    queryset = Scoresheet.objects.none()  # for the schema; get_queryset reads the signed-in assessor's

    def get_queryset(self):
        return obs_selectors.assessor_scoresheets(self.request.user)


@extend_schema(tags=TAGS)
class ScoresheetView(APIView):
    """One scoresheet: GET reads it; PATCH saves a draft (partial scores welcome)."""

    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.view_assessor_work"

    def _sheet(self, request, pk):
        sheet = obs_selectors.scoresheet_for(request.user, pk)
        _require(request, "accreditation.score", sheet)
        return sheet

    @extend_schema(responses=ScoresheetSerializer)
    def get(self, request, pk):
        return Response(ScoresheetSerializer(self._sheet(request, pk)).data)

    @extend_schema(request=DraftSerializer, responses=ScoresheetSerializer)
    def patch(self, request, pk):
        sheet = self._sheet(request, pk)
        data = DraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        _service(
            lambda: services.save_draft(
                scoresheet=sheet,
                by=request.user,
                scores={s["domain_key"]: s for s in v.get("scores", [])},
                reflection_mark=v.get("reflection_mark"),
                recommendation=v.get("recommendation", ""),
                summary=v.get("summary", ""),
            )
        )
        return Response(ScoresheetSerializer(obs_selectors.scoresheet_for(request.user, pk)).data)


@extend_schema(tags=TAGS, request=None, responses=ScoresheetSerializer)
class SubmitScoresView(APIView):
    """Lock the scores. Sending it twice gives the one result."""

    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.view_assessor_work"

    def post(self, request, pk):
        sheet = obs_selectors.scoresheet_for(request.user, pk)
        _require(request, "accreditation.score", sheet)
        _service(lambda: services.submit_scores(scoresheet=sheet, by=request.user))
        return Response(ScoresheetSerializer(obs_selectors.scoresheet_for(request.user, pk)).data)


@extend_schema(tags=TAGS, responses=ObservationSerializer(many=True))
class ModerationView(APIView):
    """Observations waiting for a moderator (regulator staff)."""

    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.moderate"

    def get(self, request):
        return Response(ObservationSerializer(obs_selectors.moderation_queue()["waiting"], many=True).data)


@extend_schema(tags=TAGS, request=ResolveSerializer, responses=ObservationSerializer)
class ResolveView(APIView):
    permission_classes = [*API_PERMISSIONS, HasPerm]
    required_perm = "accreditation.moderate"

    def post(self, request, pk):
        observation = get_object_or_404(Observation, pk=pk)
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        done = _service(
            lambda: services.resolve_moderation(observation=observation, by=request.user, **data.validated_data)
        )
        return Response(ObservationSerializer(done).data)


@extend_schema(tags=TAGS, responses=CalibrationSerializer(many=True))
class CalibrationView(APIView):
    """Agreement with second markers: every assessor for regulator staff, an assessor's own figures for them."""

    permission_classes = API_PERMISSIONS

    def get(self, request):
        if request.user.has_perm("accreditation.view_calibration"):
            rows = obs_selectors.calibration()
        elif request.user.has_perm("accreditation.view_own_calibration"):
            rows = obs_selectors.calibration(assessor_id=request.user.pk)
        else:
            _require(request, "accreditation.view_calibration")
        return Response(CalibrationSerializer(rows, many=True).data)
