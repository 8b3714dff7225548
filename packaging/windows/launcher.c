/* cible.exe and cible-cli.exe: start the installed Python on Cible, passing the arguments on.
 *
 * Built twice by build.py with mingw-w64 (Debian's gcc-mingw-w64-x86-64-win32):
 *   cible.exe      -mwindows -DCIBLE_GUI  runs python\pythonw.exe -m app ARGS (no console window)
 *   cible-cli.exe  console                 runs python\python.exe  -m app ARGS and returns its exit
 *                                           code (for Windows Task Scheduler and scripts)
 * cible-cli.exe writes UTF-8 when its output is redirected (PYTHONIOENCODING, unless set).
 * The child inherits the standard handles (a scheduled task's redirection reaches Python), runs in
 * a job object that is closed with the launcher (stopping the task stops Python), and the launcher
 * ignores Ctrl+C so that Python handles it (exit code 130) and the launcher reports that code.
 */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

#ifdef CIBLE_GUI
#define PYTHON_EXE L"pythonw.exe"
#else
#define PYTHON_EXE L"python.exe"
#endif

static const wchar_t *arguments_after_program(const wchar_t *line) {
    if (*line == L'"') {
        line++;
        while (*line && *line != L'"') line++;
        if (*line) line++;
    } else {
        while (*line && *line != L' ' && *line != L'\t') line++;
    }
    while (*line == L' ' || *line == L'\t') line++;
    return line;
}

static void fail(const wchar_t *what, const wchar_t *path, DWORD error) {
    wchar_t text[1200];
    _snwprintf(text, 1199, L"Cible: %ls %ls (Windows error %lu).", what, path, (unsigned long)error);
    text[1199] = 0;
#ifdef CIBLE_GUI
    MessageBoxW(NULL, text, L"Cible", MB_OK | MB_ICONERROR);
#else
    fwprintf(stderr, L"%ls\n", text);
#endif
}

static int run(void) {
    wchar_t folder[MAX_PATH * 2];
    DWORD n = GetModuleFileNameW(NULL, folder, MAX_PATH * 2);
    if (n == 0 || n >= MAX_PATH * 2) return 1;
    wchar_t *slash = wcsrchr(folder, L'\\');
    if (slash) *slash = 0;
    wchar_t python[MAX_PATH * 2 + 32];
    _snwprintf(python, MAX_PATH * 2 + 31, L"%ls\\python\\%ls", folder, PYTHON_EXE);
    python[MAX_PATH * 2 + 31] = 0;
    if (GetFileAttributesW(python) == INVALID_FILE_ATTRIBUTES) {
        fail(L"cannot find", python, GetLastError());
        return 1;
    }
    const wchar_t *rest = arguments_after_program(GetCommandLineW());
    size_t size = wcslen(python) + wcslen(rest) + 16;
    wchar_t *command = HeapAlloc(GetProcessHeap(), 0, size * sizeof(wchar_t));
    if (!command) return 1;
    _snwprintf(command, size, L"\"%ls\" -m app %ls", python, rest);
    command[size - 1] = 0;

    STARTUPINFOW startup;
    ZeroMemory(&startup, sizeof startup);
    startup.cb = sizeof startup;
#ifndef CIBLE_GUI
    /* Output redirected to a file (a scheduled task's log) or a pipe is UTF-8, not the ANSI code
       page, which cannot write every character of Cible's messages (≥, ≤…). */
    if (GetEnvironmentVariableW(L"PYTHONIOENCODING", NULL, 0) == 0)
        SetEnvironmentVariableW(L"PYTHONIOENCODING", L"utf-8");
    SetConsoleCtrlHandler(NULL, TRUE);
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    startup.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    startup.hStdError = GetStdHandle(STD_ERROR_HANDLE);
#endif
    HANDLE job = CreateJobObjectW(NULL, NULL);
    if (job) {
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits;
        ZeroMemory(&limits, sizeof limits);
        limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits);
    }
    PROCESS_INFORMATION child;
    if (!CreateProcessW(python, command, NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, NULL, &startup,
                        &child)) {
        fail(L"cannot start", python, GetLastError());
        return 1;
    }
    if (job) AssignProcessToJobObject(job, child.hProcess); /* may fail inside another job: fine */
    ResumeThread(child.hThread);
    CloseHandle(child.hThread);
    WaitForSingleObject(child.hProcess, INFINITE);
    DWORD code = 1;
    GetExitCodeProcess(child.hProcess, &code);
    CloseHandle(child.hProcess);
    return (int)code;
}

#ifdef CIBLE_GUI
int WINAPI WinMain(HINSTANCE instance, HINSTANCE previous, LPSTR line, int show) {
    (void)instance; (void)previous; (void)line; (void)show;
    return run();
}
#else
int main(void) { return run(); }
#endif
