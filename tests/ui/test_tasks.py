"""The background task runner: one thread, results back in the GUI thread, cooperative cancel."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QPushButton, QWidget
from sqlalchemy import func, select

from app.models import Site
from app.ui import tasks
from app.ui.tasks import TaskCancelled, TaskContext, TaskManager


@pytest.fixture
def manager(qapp):
    runner = TaskManager()
    yield runner
    assert runner.shutdown(10_000), "a task did not stop"
    assert runner._pool.activeThreadCount() == 0


def test_result_comes_back_in_the_gui_thread(qtbot, manager: TaskManager) -> None:
    seen: dict[str, object] = {}

    def work(ctx: TaskContext) -> int:
        seen["worker"] = QThread.currentThread()
        return 6 * 7

    def done(result: int) -> None:
        seen["result"] = result
        seen["callback"] = QThread.currentThread()

    task = manager.run(work, done, pytest.fail)
    with qtbot.waitSignal(task.finished):
        pass
    assert seen["result"] == 42
    assert seen["callback"] is qapp_thread()
    assert seen["worker"] is not qapp_thread()
    assert task.outcome == "done" and task.result == 42
    assert not manager.busy


def qapp_thread() -> QThread:
    from PySide6.QtWidgets import QApplication

    return QApplication.instance().thread()


def test_error_goes_to_on_error(qtbot, manager: TaskManager) -> None:
    errors: list[BaseException] = []

    def work(ctx: TaskContext) -> None:
        raise ValueError("bad data")

    task = manager.run(work, lambda r: pytest.fail("no result expected"), errors.append)
    with qtbot.waitSignal(task.finished):
        pass
    assert [str(e) for e in errors] == ["bad data"]
    assert task.outcome == "error"


def test_tasks_run_one_at_a_time_in_order(qtbot, manager: TaskManager) -> None:
    running = threading.Semaphore(1)
    order: list[int] = []

    def make(i: int):
        def work(ctx: TaskContext) -> int:
            assert running.acquire(blocking=False), "two tasks ran at once"
            try:
                return i
            finally:
                running.release()

        return work

    submitted = [manager.run(make(i), order.append, pytest.fail) for i in range(5)]
    qtbot.waitUntil(lambda: all(t.is_finished for t in submitted))
    assert order == [0, 1, 2, 3, 4]


def test_progress_and_cooperative_cancel(qtbot, manager: TaskManager) -> None:
    started = threading.Event()
    release = threading.Event()
    progress: list[tuple[int, int, str]] = []
    cancelled: list[bool] = []

    def work(ctx: TaskContext) -> None:
        ctx.report(0, 10, "starting")
        started.set()
        release.wait(10)
        for i in range(1, 11):
            ctx.report(i, 10, "working")  # raises TaskCancelled once cancel() was called
        pytest.fail("the task should have been cancelled")  # pragma: no cover

    task = manager.run(
        work,
        lambda r: pytest.fail("no result expected"),
        lambda e: pytest.fail(f"no error expected: {e!r}"),
        lambda *p: progress.append(p),
        on_cancelled=lambda: cancelled.append(True),
    )
    qtbot.waitUntil(lambda: progress == [(0, 10, "starting")])
    task.cancel()
    release.set()
    with qtbot.waitSignal(task.finished):
        pass
    assert cancelled == [True]
    assert task.outcome == "cancelled"


def test_last_progress_report_always_arrives(qtbot, manager: TaskManager) -> None:
    progress: list[tuple[int, int, str]] = []

    def work(ctx: TaskContext) -> str:
        for i in range(1, 1001):
            ctx.report(i, 1000)
        return "ok"

    task = manager.run(work, None, pytest.fail, lambda *p: progress.append(p))
    with qtbot.waitSignal(task.finished):
        pass
    assert progress[-1] == (1000, 1000, "")
    assert len(progress) < 1000  # merged, not one signal per row


def test_context_without_task_is_usable_in_plain_code() -> None:
    ctx = TaskContext()
    ctx.report(1, 2)
    ctx.cancel()
    with pytest.raises(TaskCancelled):
        ctx.check_cancelled()


def test_deleted_owner_cancels_and_gets_no_callback(qtbot, manager: TaskManager) -> None:
    started = threading.Event()
    release = threading.Event()
    calls: list[str] = []
    owner = QWidget()

    def work(ctx: TaskContext) -> str:
        started.set()
        release.wait(10)
        ctx.check_cancelled()
        return "late"

    task = manager.run(
        work, lambda r: calls.append(r), lambda e: calls.append(repr(e)), owner=owner
    )
    assert started.wait(10)
    owner.deleteLater()
    qtbot.waitUntil(lambda: task.cancelled)
    release.set()
    with qtbot.waitSignal(task.finished):
        pass
    assert calls == []


def test_shutdown_stops_the_running_task_and_drops_callbacks(qtbot, qapp) -> None:
    runner = TaskManager()
    started = threading.Event()
    calls: list[object] = []

    def work(ctx: TaskContext) -> None:
        started.set()
        while True:
            ctx.check_cancelled()
            threading.Event().wait(0.001)

    runner.run(work, calls.append, calls.append, on_cancelled=lambda: calls.append("c"))
    queued = runner.run(lambda ctx: "never", calls.append, calls.append)
    assert started.wait(10)
    assert runner.shutdown(10_000)
    qapp.processEvents()
    assert calls == []
    assert not queued.is_finished or queued.outcome == "cancelled"
    with pytest.raises(RuntimeError):
        runner.run(lambda ctx: None, None, None)


def test_database_work_in_the_task_with_its_own_session(
    qtbot, manager: TaskManager, database
) -> None:
    with database.session() as session:
        session.add(Site(code="A", name="Garage A"))

    def count(ctx: TaskContext) -> int:
        with database.session() as session:
            return session.scalar(select(func.count()).select_from(Site))

    results: list[int] = []
    task = manager.run(count, results.append, pytest.fail)
    with qtbot.waitSignal(task.finished):
        pass
    assert results == [1]


def test_application_wide_manager_and_progress_dialog(qtbot, qapp) -> None:
    release = threading.Event()

    def work(ctx: TaskContext) -> str:
        release.wait(10)
        ctx.report(5, 10, "half way")
        return "done"

    parent = QWidget()
    qtbot.addWidget(parent)
    results: list[str] = []
    task = tasks.run(work, results.append, pytest.fail, owner=parent)
    dialog = tasks.show_progress(task, "Working…", parent, minimum_duration_ms=0)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.findChildren(QPushButton)  # cancellable by default
    release.set()
    with qtbot.waitSignal(task.finished):
        pass
    assert results == ["done"]
    assert not dialog.isVisible()
    assert tasks.manager().shutdown(10_000)


def test_progress_dialog_cancel_button_cancels(qtbot, qapp) -> None:
    runner = TaskManager()
    release = threading.Event()

    def work(ctx: TaskContext) -> None:
        release.wait(10)
        ctx.check_cancelled()

    cancelled: list[bool] = []
    task = runner.run(work, None, pytest.fail, on_cancelled=lambda: cancelled.append(True))
    dialog = tasks.show_progress(task, "Working…", minimum_duration_ms=0)
    qtbot.waitUntil(dialog.isVisible)
    (button,) = dialog.findChildren(QPushButton)
    assert button.text() == "Cancel"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert task.cancelled
    release.set()
    with qtbot.waitSignal(task.finished):
        pass
    assert cancelled == [True]
    assert runner.shutdown(10_000)
