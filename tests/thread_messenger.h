// A job of threads for the cluster tests: each rank is a thread, messages go through shared mailboxes, so
// the farm's protocol and the distributed study and calibration run in one process (world.h's Messenger).
#pragma once

#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "wijksim/cluster/world.h"

namespace wijksim::test {

// Mailboxes shared by the ranks of a job of threads.
struct PostOffice {
  explicit PostOffice(int ranks) : boxes(static_cast<std::size_t>(ranks)) {}
  std::mutex mutex;
  std::vector<std::deque<cluster::Message>> boxes;
};

class ThreadMessenger : public cluster::Messenger {
 public:
  ThreadMessenger(PostOffice& post, int rank) : post_(post), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return static_cast<int>(post_.boxes.size()); }
  void send(int to, int tag, cluster::Bytes bytes) override {
    std::lock_guard lock(post_.mutex);
    stats_.bytes_sent += bytes.size();
    ++stats_.messages_sent;
    post_.boxes.at(static_cast<std::size_t>(to)).push_back({rank_, tag, std::move(bytes)});
  }
  std::optional<cluster::Message> poll() override {
    std::lock_guard lock(post_.mutex);
    auto& box = post_.boxes[static_cast<std::size_t>(rank_)];
    if (box.empty()) return std::nullopt;
    cluster::Message m = std::move(box.front());
    box.pop_front();
    return m;
  }
  bool flushed() override { return true; }
  cluster::TransportStats stats() const override { return stats_; }

 private:
  PostOffice& post_;
  int rank_;
  cluster::TransportStats stats_;
};

}  // namespace wijksim::test
