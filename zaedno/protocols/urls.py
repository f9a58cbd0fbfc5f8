from django.urls import path

from zaedno.protocols.views import cases, diagram, work

app_name = "protocols"
urlpatterns = [
    path("work/", work.my_work_page, name="my_work"),
    path("compliance/", work.compliance_page, name="compliance"),
    path("protocols/", diagram.protocol_list, name="list"),
    path("protocols/<slug:code>/", diagram.protocol_diagram, name="diagram"),
    path("protocols/<slug:code>/v<int:version>/", diagram.protocol_diagram, name="diagram_version"),
    path("cases/<int:case_id>/protocol/", cases.case_protocol, name="case"),
    path("cases/<int:case_id>/protocol/diagram/", diagram.case_diagram, name="case_diagram"),
    path("cases/<int:case_id>/protocol/event/", cases.event_add, name="event_add"),
    path("cases/<int:case_id>/protocol/steps/<int:step_id>/done/", cases.step_done, name="step_done"),
    path("cases/<int:case_id>/protocol/steps/<int:step_id>/not-applicable/", cases.step_na, name="step_na"),
]
