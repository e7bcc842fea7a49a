"""The clinic web page's HTTP layer: a FastAPI app over a :class:`~sim.apps.clinic_service.ClinicService`.

The app never takes a path from the client: files come from the package's ``static`` folder (a fixed list) or
from the service (report and runs zip of a job). Every error is JSON ``{"errors": [{"field", "message"}]}``.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from sim.apps.clinic_inputs import FIELDS, ClinicalInputs, InputError, parse_inputs
from sim.apps.clinic_scenarios import check_representable
from sim.web.guard import Guard

STATIC = Path(__file__).resolve().parent / "static"
MEDIA_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
               ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}
#: job ids as the service makes them (16 hexadecimal digits); anything else is answered like an unknown job
JOB_ID = re.compile(r"[0-9a-f]{16}")
MAX_BODY = 10_000
#: what of an answer reaches the page (the service's own entries, such as folders on this machine, stay here)
ANSWER_KEYS = ("kind", "inputs", "scenarios", "text", "caveats", "comparison", "loads", "shares", "curves", "frames")


class Service(Protocol):
    """What the app needs of the clinic service (see sim.apps.clinic_service)."""

    def submit(self, inputs: ClinicalInputs) -> dict: ...
    def job(self, job_id: str) -> dict: ...
    def cancel(self, job_id: str) -> dict: ...
    def answer(self, job_id: str) -> dict: ...
    def preview(self, inputs: ClinicalInputs) -> dict | None: ...
    def preview_progress(self) -> dict: ...
    def pdf(self, job_id: str) -> Path: ...
    def zip(self, job_id: str) -> Path: ...


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None (strict JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


class ApiJSON(JSONResponse):
    """Strict JSON (no NaN), never cached."""

    def __init__(self, content: Any, status_code: int = 200, **kwargs: Any) -> None:
        super().__init__(content, status_code, headers={"cache-control": "no-store"}, **kwargs)

    def render(self, content: Any) -> bytes:
        return json.dumps(_finite(content), allow_nan=False, separators=(",", ":")).encode()


def _errors(status: int, errors: list[dict]) -> ApiJSON:
    return ApiJSON({"errors": errors}, status)


def _error(status: int, message: str) -> ApiJSON:
    return _errors(status, [{"field": None, "message": message}])


def _static_files() -> dict[str, Path]:
    """The files the page may load, by name: the package's static folder, nothing else."""
    return {p.name: p for p in sorted(STATIC.iterdir()) if p.is_file() and p.suffix in MEDIA_TYPES}


def _json_int(text: str) -> int | float:
    """A JSON integer; one too large for a float becomes inf, as in every JSON reader that uses doubles."""
    return int(text) if len(text) < 300 else float(text)


class _BadBody(Exception):
    """A request body the inputs cannot be read from, with its status code."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


async def _json_object(request: Request) -> dict:
    """The request body as a JSON object; _BadBody for another content type, malformed JSON or a non-object."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise _BadBody(415, "send the inputs as JSON (Content-Type: application/json)")
    body = await request.body()
    try:
        payload = json.loads(body, parse_int=_json_int)
    except (ValueError, RecursionError):
        raise _BadBody(422, "the request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise _BadBody(422, "the request body must be a JSON object of clinical inputs")
    return payload


def create_app(service: Service, allowed_hosts: list[str]) -> FastAPI:
    """The page and its JSON API over ``service``; requests for any Host not in ``allowed_hosts`` get 400."""
    app = FastAPI(title="stridesim clinic", docs_url=None, redoc_url=None, openapi_url=None)
    static = _static_files()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> ApiJSON:
        return _error(exc.status_code, str(exc.detail))

    def view(job_id: str) -> dict:
        if not JOB_ID.fullmatch(job_id):
            raise HTTPException(404, "no such job")
        try:
            return service.job(job_id)
        except KeyError:
            raise HTTPException(404, f"no such job: {job_id}") from None

    def finished(job_id: str) -> dict:
        job = view(job_id)
        if job["state"] != "done":
            raise HTTPException(409, f"the job is {job['state']}: its answer is not ready")
        return job

    def file(path: Path, media_type: str, filename: str) -> FileResponse:
        if not Path(path).is_file():
            raise HTTPException(404, "the file is not available")
        return FileResponse(path, media_type=media_type, filename=filename, headers={"cache-control": "no-store"})

    @app.get("/", include_in_schema=False)
    def page() -> Response:
        return Response((STATIC / "index.html").read_bytes(), media_type=MEDIA_TYPES[".html"],
                        headers={"cache-control": "no-cache"})

    @app.get("/static/{name}", include_in_schema=False)
    def static_file(name: str) -> Response:
        path = static.get(name)
        if path is None:
            raise HTTPException(404, "no such file")
        return Response(path.read_bytes(), media_type=MEDIA_TYPES[path.suffix], headers={"cache-control": "no-cache"})

    @app.get("/api/fields")
    def fields() -> ApiJSON:
        return ApiJSON(FIELDS)

    @app.post("/api/predict")
    async def predict(request: Request) -> ApiJSON:
        try:
            inputs = parse_inputs(await _json_object(request))
        except _BadBody as exc:
            return _error(exc.status, exc.message)
        except InputError as exc:
            return _errors(422, [{"field": e.get("field"), "message": str(e.get("message"))} for e in exc.errors])
        try:  # a Thomas reading the runner's model cannot represent is refused before it is queued
            await run_in_threadpool(check_representable, inputs)
        except InputError as exc:
            return _errors(422, [{"field": e.get("field"), "message": str(e.get("message"))} for e in exc.errors])
        return ApiJSON(await run_in_threadpool(_predict, service, inputs))

    @app.get("/api/jobs/{job_id}")
    def job(job_id: str) -> ApiJSON:
        return ApiJSON(view(job_id))

    @app.post("/api/jobs/{job_id}/cancel")
    def cancel(job_id: str) -> ApiJSON:
        view(job_id)
        return ApiJSON(service.cancel(job_id))

    @app.get("/api/jobs/{job_id}/answer")
    def answer(job_id: str) -> ApiJSON:
        finished(job_id)
        return ApiJSON(_public(service.answer(job_id)))

    @app.get("/api/jobs/{job_id}/report.pdf")
    def report(job_id: str) -> FileResponse:
        finished(job_id)
        return file(service.pdf(job_id), "application/pdf", f"stridesim-clinic-{job_id}.pdf")

    @app.get("/api/jobs/{job_id}/runs.zip")
    def runs(job_id: str) -> FileResponse:
        finished(job_id)
        return file(service.zip(job_id), "application/zip", f"stridesim-clinic-{job_id}-runs.zip")

    @app.get("/api/preview")
    def preview() -> ApiJSON:
        return ApiJSON(service.preview_progress())

    app.add_middleware(Guard, allowed_hosts=allowed_hosts, max_body=MAX_BODY)
    return app


def _predict(service: Service, inputs: ClinicalInputs) -> dict:
    """Queue (or find) the exact solve and give the interpolated preview when the grid allows one."""
    job = service.submit(inputs)
    preview = None if job["state"] == "done" else service.preview(inputs)
    return {"job": job, "preview": None if preview is None else _public(preview)}


def _public(answer: dict) -> dict:
    """The answer as the page reads it: the contract's entries only."""
    return {key: answer[key] for key in ANSWER_KEYS if key in answer}
