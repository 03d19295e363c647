"""The locust journey of a cluster team: log in, open a run of the diagnostic, autosave
answers and post every step, submit, see the results, the strategy and the plan, ask for
the PDF, wait for it on its status page as the page's script does, and download it. Run
by bench/load/run.py, which seeds the users and serves the site.

Every answer the server acknowledged (autosave 200 with saved >= 1) goes into a ledger
that the driver compares with the database after a fault; every failure is logged with
its time, so that the driver can tell failures inside a fault window from the others.
"""

import json
import os
import random
import re
import time
import uuid
from itertools import count

from locust import HttpUser, between, events, task

SEED = json.loads(open(os.environ["LOAD_SEED"]).read())  # noqa: SIM115 - read once
LEDGER: list[dict] = []
FAILURES: list[dict] = []
SLOW: list[dict] = []
TIMES: list[tuple[float, str, float]] = []  # (ended at, name, ms) of every request
NUMBERS = count()
TIMEOUT = float(os.environ.get("LOAD_TIMEOUT", "30"))
# The share of journeys that end with a PDF request (one worker renders them one by one).
PDF_SHARE = float(os.environ.get("LOAD_PDF_SHARE", "1"))
# How long a manager waits on the PDF's status page before going on without it.
PDF_PATIENCE = float(os.environ.get("LOAD_PDF_PATIENCE", "120"))
GAVE_UP: list[dict] = []  # the PDFs a manager stopped waiting for


@events.request.add_listener
def _record(request_type, name, response_time, exception, **_kwargs):
    if exception is not None:
        FAILURES.append({"at": time.time(), "name": name, "error": str(exception)[:200]})
    if response_time > 3000:
        SLOW.append({"at": time.time(), "name": name, "ms": response_time})
    TIMES.append((time.time(), name, response_time))


@events.quitting.add_listener
def _write_records(**_kwargs):
    if os.environ.get("LOAD_RECORDS"):
        with open(os.environ["LOAD_RECORDS"], "w") as out:
            json.dump({"ledger": LEDGER, "failure_log": FAILURES, "slow": SLOW,
                       "times": TIMES, "gave_up": GAVE_UP, "patience": PDF_PATIENCE}, out)


class ClusterTeam(HttpUser):
    wait_time = between(0.2, 1.0)

    def on_start(self):
        self.account = SEED["users"][next(NUMBERS) % len(SEED["users"])]
        self.client.get("/accounts/login/", name="login page", timeout=TIMEOUT)
        with self._post("/accounts/login/", "log in", {
                "username": self.account["email"], "password": SEED["password"]}) as response:
            if "sessionid" not in self.client.cookies:
                response.failure("not logged in")

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def _post(self, url, name, data, **kwargs):
        return self.client.post(url, data={**data, "csrfmiddlewaretoken": self._csrf()},
                                headers={"X-CSRFToken": self._csrf()}, name=name,
                                catch_response=True, timeout=TIMEOUT, **kwargs)

    def _get(self, url, name):
        """A page: any status of 400 or more counts as a failure."""
        self.client.get(url, name=name, timeout=TIMEOUT)

    @task
    def journey(self):
        cluster = self.account["cluster"]
        with self._post(f"/clusters/{cluster}/diagnostics/new/", "new run", {}) as response:
            found = re.search(r"/diagnostics/(\d+)/", response.url or "")
            if response.status_code != 200 or not found:
                response.failure(f"no run opened: {response.status_code} {response.url}")
                return
            diagnostic = int(found.group(1))
        for key, body in SEED["sections"].items():
            step = f"/diagnostics/{diagnostic}/steps/{key}/"
            self._get(step, "step page")
            body = dict(body)
            for question in SEED["text_questions"].get(key, []):
                value = f"acknowledged {uuid.uuid4()}"
                body[f"q_{question}"] = value
                with self._post(f"{step}autosave/", "autosave",
                                {"_questions": question, f"q_{question}": value}) as saved:
                    if saved.status_code == 200 and saved.json().get("saved", 0) >= 1:
                        LEDGER.append({"diagnostic": diagnostic, "question": question,
                                       "value": value, "at": time.time()})
                    else:
                        saved.failure(f"autosave not acknowledged: {saved.status_code}")
            with self._post(step, "step save", {**body, "_action": "next"}) as response:
                if response.status_code != 200 or "/steps/" + key + "/" in response.url:
                    response.failure(f"step {key} not saved: {response.status_code}")
        with self._post(f"/diagnostics/{diagnostic}/submit/", "submit",
                        {"benchmark_consent": "on"}) as response:
            if "/results/" not in (response.url or ""):
                response.failure(f"not submitted: {response.status_code} {response.url}")
                return
        self._get(f"/diagnostics/{diagnostic}/strategy/", "strategy")
        with self._post(f"/diagnostics/{diagnostic}/plan/", "plan create",
                        {"start_date": "2027-01-01"}) as response:
            found = re.search(r"/plans/(\d+)/", response.url or "")
            if not found:
                response.failure(f"no plan: {response.status_code} {response.url}")
                return
            plan = int(found.group(1))
        self._get(f"/plans/{plan}/agenda/", "plan agenda")
        if random.random() >= PDF_SHARE:
            return
        with self._post(f"/plans/{plan}/pdf/request/", "PDF request", {}) as response:
            if "/pdf/" not in (response.url or ""):
                response.failure(f"PDF not requested: {response.status_code}")
                return
        self._wait_for_pdf(plan)

    def _wait_for_pdf(self, plan: int) -> None:
        """Wait on the status page as a manager does: it asks every 1 s, then 1.5 times
        longer each time up to 5 s (static/js/pdf.js), and downloads the file once ready.
        A manager who waited PDF_PATIENCE seconds goes on with the next run (counted, not a
        failed request: the drill's checks look at the jobs themselves)."""
        delay, started = 1.0, time.time()
        while time.time() - started < PDF_PATIENCE:
            time.sleep(delay)
            with self.client.get(f"/plans/{plan}/pdf/?format=json", name="PDF status",
                                 timeout=TIMEOUT, catch_response=True) as response:
                state = response.json() if response.status_code == 200 else {}
            if state.get("ready"):
                self._get(state["download_url"], "PDF download")
                return
            delay = min(delay * 1.5, 5.0)
        GAVE_UP.append({"at": time.time(), "plan": plan})
