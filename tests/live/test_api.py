"""The live API through the permission matrix's setups (each allowed once) and its refusals."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.api.support import ApiClient
from tests.factories import make_staff
from tests.live import matrix_cases_live as cases
from tests.live.live_factories import ended_session, metrics_csv
from zhanggui.accounts.roles import Role
from zhanggui.live.models import LiveMetric

pytestmark = pytest.mark.django_db
V1 = "/api/v1/live"
ROWS = [
    ("GET", "/sessions", cases.list_, 200), ("GET", "/sessions/{session_id}", cases.detail, 200),
    ("POST", "/sessions", cases.create, 201), ("PATCH", "/sessions/{session_id}", cases.update, 200),
    ("POST", "/sessions/{session_id}/segments", cases.add_segment, 201),
    ("PUT", "/sessions/{session_id}/segments/{segment_id}", cases.update_segment, 200),
    ("DELETE", "/sessions/{session_id}/segments/{segment_id}", cases.remove_segment, 200),
    ("POST", "/sessions/{session_id}/order", cases.reorder, 200),
    ("POST", "/sessions/{session_id}/start", cases.start, 200),
    ("POST", "/sessions/{session_id}/end", cases.end, 200),
    ("POST", "/sessions/{session_id}/cancel", cases.cancel, 200),
    ("POST", "/sessions/{session_id}/metrics/import", cases.import_metrics, 200),
    ("PUT", "/sessions/{session_id}/metrics", cases.enter_metrics, 200),
    ("PUT", "/sessions/{session_id}/review", cases.review, 200),
]


@pytest.mark.parametrize(("method", "path", "setup", "status"), ROWS,
                         ids=[f"{m} {p}" for m, p, _s, _c in ROWS])
def test_operator_calls(method, path, setup, status):
    case = setup()
    client = ApiClient(make_staff(Role.OPERATOR))
    response = client.request(method, V1 + path.format(**case.path), case.body, query=case.query)
    assert response.status_code == status, response.content
    assert case.check(response.json(), client.staff) is not False


def test_multipart_upload_and_bad_lines():
    session = ended_session()
    client = ApiClient(make_staff(Role.OPERATOR))
    bad = SimpleUploadedFile("x.csv", metrics_csv([(0, 1, 1, 1, 1, 1, 1, 1, 1),
                                                   (1, "x", 1, 1, 1, 1, 1, 1, 1)]))
    response = client.client.post(f"{V1}/sessions/{session.pk}/metrics/import", {"file": bad},
                                  **client.headers)
    assert response.status_code == 422 and response.json()["code"] == "live_invalid_metrics"
    assert "3" in response.json()["message"]
    good = SimpleUploadedFile("x.csv", metrics_csv([(0, 1, 1, 1, 1, 1, 1, 1, 1)]))
    response = client.client.post(f"{V1}/sessions/{session.pk}/metrics/import", {"file": good},
                                  **client.headers)
    assert response.json() == {"rows": 1}


def test_analyst_reads_but_cannot_write():
    case = cases.import_metrics()
    client = ApiClient(make_staff(Role.ANALYST))
    path = f"{V1}/sessions/{case.path['session_id']}"
    assert client.request("GET", path).status_code == 200
    assert client.request("POST", path + "/metrics/import", case.body).status_code == 403
    assert not LiveMetric.objects.exists()
