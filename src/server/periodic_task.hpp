// A background thread that runs one task every interval until destroyed. The task's exceptions
// go to `on_error` (the loop goes on); the destructor wakes and joins the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace signet::server {

class PeriodicTask {
  public:
    PeriodicTask(std::chrono::milliseconds interval, std::function<void()> task,
                 std::function<void(const std::exception&)> on_error)
        : task_(std::move(task)),
          on_error_(std::move(on_error)),
          thread_([this, interval] { loop(interval); }) {}
    ~PeriodicTask() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
    PeriodicTask(const PeriodicTask&) = delete;
    PeriodicTask& operator=(const PeriodicTask&) = delete;

  private:
    void loop(std::chrono::milliseconds interval) {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, interval, [this] { return stop_; })) {
            lock.unlock();
            try {
                task_();
            } catch (const std::exception& e) {
                on_error_(e);
            }
            lock.lock();
        }
    }

    std::function<void()> task_;
    std::function<void(const std::exception&)> on_error_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;  // last: started once everything it uses exists
};

}  // namespace signet::server
