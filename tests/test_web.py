"""The clinic web page: the HTTP layer over a fake service, then the page in headless Chromium."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
import warnings
from pathlib import Path

import pytest
from web_fakes import FakeService

from sim.apps.clinic_inputs import FIELDS, defaults
from sim.cli.web import allowed_hosts, is_loopback, page_url
from sim.web.server import STATIC, create_app

with warnings.catch_warnings():  # starlette's TestClient prefers httpx2; httpx is what it runs on here
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
JSON = {"content-type": "application/json"}
TRACE_WORDS = ("Traceback", 'File "', "sim/web", "line ")


@pytest.fixture
def service(tmp_path: Path) -> FakeService:
    return FakeService(tmp_path, queue_s=0.05, step_s=0.05)


@pytest.fixture
def client(service: FakeService) -> TestClient:
    return TestClient(create_app(service, ["testserver"]), raise_server_exceptions=False)


def assert_secured(response) -> None:
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def assert_clean_error(response, status: int) -> list[dict]:
    assert response.status_code == status, response.text
    assert_secured(response)
    errors = response.json()["errors"]
    assert errors and all(set(e) == {"field", "message"} and e["message"] for e in errors)
    assert not any(word in response.text for word in TRACE_WORDS), response.text
    return errors


def wait_done(client: TestClient, job_id: str, timeout: float = 5.0) -> dict:
    deadline = time.monotonic() + timeout
    while (view := client.get(f"/api/jobs/{job_id}").json())["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, view
        time.sleep(0.02)
    return view


# --- the HTTP layer ---------------------------------------------------------------------------------------------

def test_every_route_carries_the_security_headers(client: TestClient) -> None:
    job = client.post("/api/predict", json=defaults()).json()["job"]
    wait_done(client, job["id"])
    responses = [client.get("/"), client.get("/static/app.js"), client.get("/static/style.css"),
                 client.get("/api/fields"), client.get("/api/preview"), client.get(f"/api/jobs/{job['id']}"),
                 client.get(f"/api/jobs/{job['id']}/answer"), client.get(f"/api/jobs/{job['id']}/report.pdf"),
                 client.get(f"/api/jobs/{job['id']}/runs.zip"), client.post(f"/api/jobs/{job['id']}/cancel"),
                 client.post("/api/predict", json={}), client.get("/api/jobs/nope"), client.get("/nowhere"),
                 client.get("/", headers={"host": "evil.example"}),
                 client.post("/api/predict", content=b"{" * 20_000, headers=JSON)]
    for response in responses:
        assert_secured(response)
    assert [r.status_code for r in responses] == [200] * 10 + [422, 404, 404, 400, 413]


def test_page_has_no_inline_code_and_loads_nothing_from_outside() -> None:
    html = (STATIC / "index.html").read_text()
    assert "<style" not in html and " style=" not in html
    assert all(re.search(r'\bsrc="/static/[\w.-]+"', tag) for tag in re.findall(r"<script[^>]*>", html))
    for path in STATIC.iterdir():
        text = path.read_text()
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), path.name
        if path.suffix == ".js":
            assert not re.search(r"\b(innerHTML|outerHTML|insertAdjacentHTML|eval|document\.write)\b", text), path.name


def test_fields_are_the_backends(client: TestClient) -> None:
    response = client.get("/api/fields")
    assert response.json() == json.loads(json.dumps(FIELDS))
    assert response.headers["content-type"].startswith("application/json")


def test_predict_gives_a_job_and_a_preview_then_the_answer_and_files(client: TestClient) -> None:
    inputs = {**defaults(), "thomas_angle_right_deg": 5.0, "glute_strength_left_percent": 60.0}
    body = client.post("/api/predict", json=inputs).json()
    assert body["job"]["state"] == "queued" and body["preview"]["kind"] == "preview"
    assert wait_done(client, body["job"]["id"])["state"] == "done"
    answer = client.get(f"/api/jobs/{body['job']['id']}/answer").json()
    assert answer["kind"] == "exact" and answer["scenarios"][0]["key"] == "healthy"
    assert "strides" not in answer and "strides" not in body["preview"]  # folders on the server stay there
    pdf = client.get(f"/api/jobs/{body['job']['id']}/report.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"].startswith("attachment")
    runs = client.get(f"/api/jobs/{body['job']['id']}/runs.zip")
    assert runs.headers["content-type"] == "application/zip" and runs.content.startswith(b"PK")
    again = client.post("/api/predict", json=inputs).json()
    assert again["job"]["state"] == "done" and again["preview"] is None


@pytest.mark.parametrize("body", [b"{", b"", b"[1, 2]", b'"thomas"', b"null", b"3",
                                  b"[" * 5000 + b"]" * 5000], ids=lambda b: b[:12].decode())
def test_a_body_that_is_not_an_object_is_422(client: TestClient, body: bytes) -> None:
    errors = assert_clean_error(client.post("/api/predict", content=body, headers=JSON), 422)
    assert errors[0]["field"] is None


@pytest.mark.parametrize(("field", "raw"), [("thomas_angle_right_deg", "NaN"), ("speed_m_s", "Infinity"),
                                            ("mass_kg", '"75"'), ("height_m", "1e400"), ("mass_kg", "1" + "0" * 400),
                                            ("mass_kg", "-1" + "0" * 5000),
                                            ("glute_strength_left_percent", "true"), ("speed_m_s", "null"),
                                            ("thomas_angle_left_deg", "25"), ("height_m", "[1.8]")])
def test_a_bad_value_is_422_naming_the_field(client: TestClient, field: str, raw: str) -> None:
    text = json.dumps(defaults()).replace(f'"{field}": {json.dumps(defaults()[field])}', f'"{field}": {raw}')
    errors = assert_clean_error(client.post("/api/predict", content=text.encode(), headers=JSON), 422)
    assert [e["field"] for e in errors] == [field] and field in errors[0]["message"]


def test_unknown_and_missing_fields_are_named(client: TestClient) -> None:
    payload = {**defaults(), "path": "/etc/passwd"}
    del payload["speed_m_s"]
    errors = assert_clean_error(client.post("/api/predict", json=payload), 422)
    assert {e["field"] for e in errors} == {"path", "speed_m_s"}


def test_inputs_must_be_sent_as_json(client: TestClient) -> None:
    response = client.post("/api/predict", content=json.dumps(defaults()), headers={"content-type": "text/plain"})
    assert_clean_error(response, 415)


@pytest.mark.parametrize("job_id", ["nope", "00000000000f4240", "0" * 15 + "1;", "0" * 17, "%2e%2e", "A" * 16])
@pytest.mark.parametrize("tail", ["", "/answer", "/report.pdf", "/runs.zip"])
def test_an_unknown_job_is_404(client: TestClient, job_id: str, tail: str) -> None:
    assert_clean_error(client.get(f"/api/jobs/{job_id}{tail}"), 404)


def test_cancel_of_an_unknown_job_is_404_and_a_running_one_cancels(tmp_path: Path) -> None:
    client = TestClient(create_app(FakeService(tmp_path, hold=True), ["testserver"]))
    assert_clean_error(client.post("/api/jobs/nope/cancel"), 404)
    job = client.post("/api/predict", json=defaults()).json()["job"]
    assert client.post(f"/api/jobs/{job['id']}/cancel").json()["state"] == "cancelled"
    assert_clean_error(client.get(f"/api/jobs/{job['id']}/answer"), 409)


def test_an_answer_before_the_job_is_done_is_409(tmp_path: Path) -> None:
    client = TestClient(create_app(FakeService(tmp_path, queue_s=60), ["testserver"]))
    job = client.post("/api/predict", json=defaults()).json()["job"]
    for tail in ("/answer", "/report.pdf", "/runs.zip"):
        assert_clean_error(client.get(f"/api/jobs/{job['id']}{tail}"), 409)


def test_a_foreign_host_is_400_and_a_cross_origin_write_403(client: TestClient) -> None:
    for host in ("evil.example", "evil.example:8765", "127.0.0.1.evil.example", ""):
        assert_clean_error(client.get("/api/fields", headers={"host": host}), 400)
    assert_clean_error(client.post("/api/predict", json=defaults(), headers={"origin": "http://evil.example"}), 403)
    assert client.post("/api/predict", json=defaults(), headers={"origin": "http://testserver"}).status_code == 200


def test_an_oversized_body_is_413(client: TestClient) -> None:
    big = json.dumps({**defaults(), "pad": "x" * 20_000}).encode()
    assert_clean_error(client.post("/api/predict", content=big, headers=JSON), 413)
    chunks = (big[i:i + 1000] for i in range(0, len(big), 1000))  # no Content-Length: counted while read
    assert_clean_error(client.post("/api/predict", content=chunks, headers=JSON), 413)


def test_an_internal_error_is_500_json_and_logged(service: FakeService, client: TestClient, caplog) -> None:
    def broken() -> dict:
        raise RuntimeError("secret detail of the store /home/someone")

    service.preview_progress = broken
    with caplog.at_level("ERROR", logger="sim.web"):
        errors = assert_clean_error(client.get("/api/preview"), 500)
    assert errors == [{"field": None, "message": "internal error; see the server log"}]
    assert "secret" not in client.get("/api/preview").text
    assert "secret detail" in caplog.text and "Traceback" in caplog.text


@pytest.mark.parametrize("path", ["/static/../server.py", "/static/%2e%2e/server.py", "/static/..%2fserver.py",
                                  "/static/%2e%2e%2fserver.py", "/static/guard.py", "/static/", "/static/.",
                                  "/static/..%5cserver.py", "/static/index.html%00.py", "/server.py"])
def test_static_files_are_the_packages_only(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "create_app" not in response.text and "import" not in response.text


def test_the_command_stays_on_loopback_unless_told() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20") and not is_loopback("clinic.lan")
    assert allowed_hosts("127.0.0.1", []) == ["127.0.0.1", "localhost", "::1"]
    assert allowed_hosts("Clinic.lan", ["10.0.0.5"]) == ["clinic.lan", "localhost", "127.0.0.1", "::1", "10.0.0.5"]
    assert page_url("127.0.0.1", 8765) == "http://127.0.0.1:8765/" and page_url("::1", 80) == "http://[::1]:80/"
    assert page_url("0.0.0.0", 8765) == "http://127.0.0.1:8765/"
    assert allowed_hosts("0.0.0.0", ["clinic.lan"]) == ["localhost", "127.0.0.1", "::1", "clinic.lan"]


def test_the_command_refuses_a_port_in_use(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sim.cli.main import app

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["web", "--port", str(port), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and "cannot listen" in result.output
    assert not (tmp_path / "s").exists()


# --- the page in a browser ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def serve():
    """Starts the app over a service on a free loopback port; gives its base URL."""
    import uvicorn

    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(service) -> str:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(create_app(service, ["127.0.0.1"]), log_level="warning"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        servers.append((server, thread))
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


class Visit:
    """A page at 1280x800 that records console errors, page errors and every URL it requested."""

    def __init__(self, browser, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.base, self.errors, self.urls = base, [], []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.urls.append(r.url))
        self.page.goto(base + "/")
        self.page.wait_for_selector("#f-thomas_angle_right_deg")

    def outside(self) -> list[str]:
        return [u for u in self.urls if not u.startswith(self.base + "/")]

    def canvas(self, index: int = 0) -> str:
        return self.page.evaluate(f"document.querySelectorAll('#runners canvas')[{index}].toDataURL()")

    def shot(self, name: str) -> None:
        self.page.screenshot(path=f"/tmp/stridesim-web-{name}.png")


@pytest.mark.browser
def test_the_page_loads_clean_with_marks_and_labels(browser, serve, tmp_path: Path) -> None:
    visit = Visit(browser, serve(FakeService(tmp_path)))
    page = visit.page
    for side in ("right", "left"):
        marks = page.locator(f"[data-field=thomas_angle_{side}_deg] .mark")
        assert [float(marks.nth(i).get_attribute("data-value")) for i in range(marks.count())] == [-11.9, 0.0]
        assert "healthy mean" in marks.nth(0).inner_text() and "positive test" in marks.nth(1).inner_text()
    for name, spec in FIELDS.items():
        assert page.locator(f"label[for=f-{name}]").inner_text() == spec["label"]
        assert page.locator(f"#f-{name}-range").get_attribute("aria-label")
        assert spec["unit"] in page.locator(f"[data-field={name}] .unit").inner_text()
    assert [page.locator("legend").nth(i).text_content() for i in range(3)] == ["Right leg", "Left leg", "Runner"]
    page.focus("#f-speed_m_s-range")
    page.keyboard.press("ArrowRight")
    assert page.input_value("#f-speed_m_s") == "3.6"
    page.check("#same-sides")
    page.fill("#f-thomas_angle_right_deg", "4")
    assert page.input_value("#f-thomas_angle_left_deg") == "4"
    visit.shot("inputs")
    assert visit.errors == [] and visit.outside() == []


@pytest.mark.browser
def test_the_knee_reading_may_stay_empty_and_a_reading_out_of_reach_is_named(browser, serve, tmp_path: Path) -> None:
    service = FakeService(tmp_path)
    visit = Visit(browser, serve(service))
    page = visit.page
    knee = "#f-thomas_knee_right_deg"
    assert page.input_value(knee) == "" and page.get_attribute(knee, "placeholder") == "\u2014"
    marks = page.locator("[data-field=thomas_knee_right_deg] .mark")
    assert [float(marks.nth(i).get_attribute("data-value")) for i in range(marks.count())] == [52.5, 61.4]
    page.focus(f"{knee}-range")
    page.keyboard.press("ArrowLeft")  # the slider starts at the model's healthy reading
    assert page.input_value(knee) == "61.0"
    page.fill(knee, "")
    assert page.inner_text(f"{knee}-error") == ""  # empty is allowed: not measured
    page.fill(knee, "16")
    page.click("#predict")  # in the input's range, out of the model's reach with this thigh: refused, named
    page.wait_for_selector(f"{knee}-error[data-source=server]")
    assert "thigh as entered" in page.inner_text(f"{knee}-error") and service.jobs() == []
    page.fill(knee, "45")
    visit.shot("knee")
    page.click("#predict")
    page.wait_for_selector("#status:not([hidden])")
    assert service.jobs()[-1]["inputs"]["thomas_knee_right_deg"] == 45.0
    assert service.jobs()[-1]["inputs"]["thomas_knee_left_deg"] is None
    page.click("#reset")
    assert page.input_value(knee) == ""


@pytest.mark.browser
def test_the_servers_message_shows_by_the_field_it_names(browser, serve, tmp_path: Path) -> None:
    page = Visit(browser, serve(FakeService(tmp_path))).page
    page.fill("#f-thomas_angle_right_deg", "25")
    assert "Allowed" in page.inner_text("#f-thomas_angle_right_deg-error")  # the client's own check, at once
    page.click("#predict")
    page.wait_for_selector("#f-thomas_angle_right_deg-error[data-source=server]")
    assert "thomas_angle_right_deg" in page.inner_text("#f-thomas_angle_right_deg-error")
    page.fill("#f-thomas_angle_right_deg", "5")
    page.fill("#f-height_m", "2.05")
    page.fill("#f-mass_kg", "40")  # in range alone; the body-mass index only the server checks
    page.click("#predict")
    page.wait_for_selector("#f-mass_kg-error[data-source=server]")
    assert "body-mass index" in page.inner_text("#f-mass_kg-error")
    assert page.inner_text("#f-thomas_angle_right_deg-error") == ""
    assert page.locator("#results").is_hidden()


@pytest.mark.browser
def test_predict_shows_progress_a_preview_then_the_exact_answer(browser, serve, tmp_path: Path) -> None:
    service = FakeService(tmp_path, queue_s=0.6, step_s=0.6)
    visit = Visit(browser, serve(service))
    page = visit.page
    page.fill("#f-thomas_angle_right_deg", "5")
    page.fill("#f-glute_strength_left_percent", "55")
    page.click("#predict")
    page.wait_for_selector("#status:not([hidden])")
    assert "Preview (interpolated from pre-solved scenarios)" in page.inner_text("#kind-banner")
    assert "exact answer on its way" in page.inner_text("#kind-banner")
    page.wait_for_selector("#status-title:text-is('Solving')")
    assert "of 4" in page.inner_text("#status-step") and page.inner_text("#status-queue") == "running now"
    visit.shot("solving")
    page.wait_for_selector(".banner.exact", timeout=15_000)
    answer = service.answer(service.jobs()[-1]["id"])
    assert page.locator("#runners canvas").count() == len(answer["scenarios"]) == 4
    assert page.locator("#comparison tbody tr").count() == len(answer["comparison"])
    assert page.locator("#loads tbody tr").count() == len(answer["loads"])
    assert page.locator("#angle-plots svg.plot").count() == 5 and page.locator("#power-plots svg.plot").count() == 3
    assert page.locator("#shares .bar").count() == 4 * 4
    assert page.locator("#comparison .badge.beyond").count() > 0
    assert page.locator("#text li").count() == len(answer["text"])
    first = visit.canvas()
    page.wait_for_timeout(400)
    assert visit.canvas() != first  # the runners move
    page.click("#play")
    paused = visit.canvas()
    page.wait_for_timeout(300)
    assert visit.canvas() == paused
    pdf = page.request.get(visit.base + page.get_attribute("#pdf-link", "href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    visit.shot("answer")
    page.evaluate("document.getElementById('main').scrollTop = 1500")
    visit.shot("answer-tables")
    assert visit.errors == [] and visit.outside() == []


@pytest.mark.browser
def test_cancel_stops_the_job(browser, serve, tmp_path: Path) -> None:
    service = FakeService(tmp_path, queue_s=0.1, hold=True)
    page = Visit(browser, serve(service)).page
    page.click("#predict")
    page.wait_for_selector("#status-title:text-is('Solving')")
    page.click("#cancel")
    page.wait_for_selector("#status-title:text-is('Cancelled')")
    assert service.jobs()[-1]["state"] == "cancelled"
    assert page.locator("#cancel").is_hidden() and "cancelled" in page.inner_text("#kind-banner")


@pytest.mark.browser
def test_the_real_service_answers_one_scenario(browser, serve, tmp_path: Path) -> None:
    """A real solve end to end (coarse mesh, one start): about 20 s on 2 cores."""
    from sim.apps.clinic_service import ClinicService

    service = ClinicService(tmp_path, n_intervals=10, starts=1, preview=False)
    service.start()
    try:
        visit = Visit(browser, serve(service))
        page = visit.page
        page.fill("#f-glute_strength_right_percent", "60")
        page.fill("#f-glute_strength_left_percent", "60")
        page.click("#predict")
        page.wait_for_selector("#status:not([hidden])")
        assert page.inner_text("#grid-progress") == "Previews off"
        page.wait_for_selector(".banner.exact, #status[data-state=failed]", timeout=600_000)
        assert page.locator("#status[data-state=failed]").count() == 0, page.inner_text("#status-message")
        answer = service.answer(service.jobs()[-1]["id"])
        assert page.locator("#runners canvas").count() == len(answer["scenarios"]) >= 2
        assert page.locator("#comparison tbody tr").count() == len(answer["comparison"])
        first = visit.canvas()
        page.wait_for_timeout(400)
        assert visit.canvas() != first
        assert page.request.get(visit.base + page.get_attribute("#pdf-link", "href")).ok
        visit.shot("real")
        assert visit.errors == [] and visit.outside() == []
    finally:
        service.stop()
