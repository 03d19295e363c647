"""Helpers shared by the PDF tests (and bench/pdf.py)."""

import datetime
import re
import shutil
import subprocess

import pytest

from plans.models import Action
from plans.pdf import charts


@pytest.fixture(scope="session")
def warm_browser():
    """One Chromium for the session's charts, as each worker process keeps one."""
    charts.start_warm_browser()
    yield
    charts.stop_warm_browser()


def _tool(name: str) -> str:
    """A poppler-utils program (scripts/test installs them)."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (apt-get install poppler-utils)")
    return path


def pdf_text(content: bytes) -> str:
    """The PDF's text as pdftotext reads it, with runs of white space made one space."""
    command = [_tool("pdftotext"), "-enc", "UTF-8", "-", "-"]
    out = subprocess.run(command, input=content, capture_output=True, check=True,  # noqa: S603
                         timeout=60).stdout
    return " ".join(out.decode().split())


def pdf_images(content: bytes) -> list[str]:
    """One line per image of `pdfimages -list` (soft masks left out)."""
    command = [_tool("pdfimages"), "-list", "-"]
    out = subprocess.run(command, input=content, capture_output=True, check=True,  # noqa: S603
                         timeout=60).stdout.decode()
    return [line for line in out.splitlines()[2:] if line.split()[2] == "image"]


def pdf_page_texts(content: bytes) -> list[str]:
    """Each page's text (pdftotext ends every page with a form feed)."""
    command = [_tool("pdftotext"), "-enc", "UTF-8", "-", "-"]
    out = subprocess.run(command, input=content, capture_output=True, check=True,  # noqa: S603
                         timeout=60).stdout.decode()
    return [" ".join(page.split()) for page in out.split("\f")[:-1]]


def pdf_page_sizes(content: bytes) -> list[str]:
    """Each page's size in points, as pdfinfo prints it ("595.276 x 841.89 pts (A4)")."""
    command = [_tool("pdfinfo"), "-f", "1", "-l", "9999", "-"]
    out = subprocess.run(command, input=content, capture_output=True, check=True,  # noqa: S603
                         timeout=60).stdout.decode()
    return [line.split(":", 1)[1].strip() for line in out.splitlines()
            if re.match(r"Page +\d+ size:", line)]


def pdf_pages(content: bytes) -> int:
    command = [_tool("pdfinfo"), "-"]
    out = subprocess.run(command, input=content, capture_output=True, check=True,  # noqa: S603
                         timeout=60).stdout.decode()
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("Pages:")))


def add_actions(plan, count: int, *, user=None) -> None:
    """`count` more actions inside the plan's period, each with an owner and a milestone."""
    last = plan.actions.order_by("-position").values_list("position", flat=True).first() or 0
    days = max((plan.end_date - plan.start_date).days, 2)
    Action.objects.bulk_create([
        Action(plan=plan, position=last + i + 1, title=f"Extra action {i + 1}",
               description="Meet the partner clusters and agree on the next step.",
               owner_role="Project officer",
               start_date=plan.start_date + datetime.timedelta(days=(7 * i) % (days - 1)),
               due_date=plan.start_date + datetime.timedelta(days=(7 * i) % (days - 1) + 1),
               target_countries=["SE", "FI"], target_markets="Health care",
               milestone=f"Milestone {i + 1}", updated_by=user)
        for i in range(count)])
