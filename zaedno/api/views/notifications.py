"""Notifications (известия): the caller's own, newest first, and marking them read.

A notification is addressed to one professional and names at most a case number and a link;
the case itself is read (and audited) through the case endpoints. As in the web notification
centre, listing and marking are not audited, and another user's notifications are never seen:
ids that are not yours are ignored when marking.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.api.serializers_protocols import (
    NotificationOutSerializer,
    NotificationQuerySerializer,
    NotificationsReadOutSerializer,
    NotificationsReadSerializer,
)
from zaedno.api.views.base import E400, E401, InputFormsMixin, query_params
from zaedno.notifications.models import Notification
from zaedno.notifications.services import notifications_mark_read

TAGS = ["notifications"]


class NotificationListView(InputFormsMixin, GenericAPIView):
    def get_queryset(self):
        params = query_params(NotificationQuerySerializer, self.request)
        qs = Notification.objects.filter(user=self.request.user)
        if params.get("unread"):
            qs = qs.filter(read_at__isnull=True)
        return qs.order_by("-created_at", "-id")

    @extend_schema(
        operation_id="notifications_list",
        summary="Your notifications, newest first",
        parameters=[NotificationQuerySerializer],
        responses={200: NotificationOutSerializer(many=True), 400: E400, 401: E401},
        tags=TAGS,
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(NotificationOutSerializer(page, many=True).data)


class NotificationsReadView(APIView):
    @extend_schema(
        operation_id="notifications_read",
        summary="Mark your notifications read: the ones listed, or all",
        request=NotificationsReadSerializer,
        responses={200: NotificationsReadOutSerializer, 400: E400, 401: E401},
        tags=TAGS,
    )
    def post(self, request):
        s = NotificationsReadSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        marked = notifications_mark_read(user=request.user, ids=s.validated_data.get("ids"))
        return Response(NotificationsReadOutSerializer({"marked": marked}).data)
