// A server process for tests: forked and executed with stdin on /dev/null, stdout and stderr
// appended to a file of the test's (or /dev/null), no inherited descriptors, and killed when the
// test process dies.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace signet::test {

// Starts args[0] (a path) with the rest as arguments; the child's pid, or -1 when fork failed.
// The child dies with the thread that forked it (PR_SET_PDEATHSIG): call from the test's thread.
inline pid_t spawn_quiet(std::vector<std::string> args, const std::string& output = "/dev/null") {
    std::vector<char*> argv;
    for (auto& arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    // Only async-signal-safe calls until exec: the test process may have threads.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, 0);
    const int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (out >= 0) {
        ::dup2(out, 1);
        ::dup2(out, 2);
    }
    ::closefrom(3);  // no test sockets leak into the server
    ::execv(argv[0], argv.data());
    ::_exit(127);
}

}  // namespace signet::test
