// An agency's (or a coach team's) waiting list: first come, first served, in the deterministic order
// the driver appends arrivals (week, then household id). Entries of households that left are removed
// lazily: the driver checks each entry against the household's state when it reaches the front.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wijksim {

template <class Entry>
class WaitingList {
 public:
  void push(const Entry& e) { entries_.push_back(e); }
  bool empty() const { return head_ == entries_.size(); }
  const Entry& front() const { return entries_[head_]; }
  // The entry k places behind the front (stale ones included), or null past the end: to fetch ahead.
  const Entry* behind_front(std::size_t k) const {
    return head_ + k < entries_.size() ? &entries_[head_ + k] : nullptr;
  }
  void pop() {
    ++head_;
    // Reclaim the consumed prefix now and then, so the list never grows beyond twice its live size.
    if (head_ > 1024 && head_ * 2 > entries_.size()) {
      entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  std::size_t entries() const { return entries_.size() - head_; }  // including stale ones
  void clear() {
    entries_.clear();
    head_ = 0;
  }

 private:
  std::vector<Entry> entries_;
  std::size_t head_ = 0;
};

struct AgencyQueueEntry {
  std::uint32_t household;
  std::uint16_t onset;
  std::uint16_t joined;
  std::uint8_t domain;
};

struct CoachQueueEntry {
  std::uint32_t household;
  std::uint16_t since;
};

}  // namespace wijksim
