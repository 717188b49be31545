// The World of a build with MPI: MPI_Init_thread when an MPI launcher started the process, and a Messenger
// of non-blocking point-to-point calls on MPI_COMM_WORLD. The only file that includes <mpi.h>.
#include <mpi.h>

#include <fmt/format.h>

#include <climits>
#include <list>

#include "wijksim/cluster/world.h"
#include "wijksim/core/error.h"

namespace wijksim::cluster {
namespace {

// Adds the processor time spent in one MPI call to the messenger's total.
class Timed {
 public:
  explicit Timed(double& total) : total_(total), start_(thread_cpu_seconds()) {}
  ~Timed() { total_ += thread_cpu_seconds() - start_; }
  Timed(const Timed&) = delete;
  Timed& operator=(const Timed&) = delete;

 private:
  double& total_;
  double start_;
};

void check(int code, const char* call) {
  // MPI_ERRORS_ARE_FATAL is the default handler, so a failed call normally aborts the job before this.
  if (code != MPI_SUCCESS) throw Error(fmt::format("{} failed (MPI error {})", call, code));
}

class MpiMessenger : public Messenger {
 public:
  MpiMessenger(int rank, int size) : rank_(rank), size_(size) {}
  ~MpiMessenger() override {
    // Sends still out when the farm ended by an exception: wait for them, or MPI_Finalize would.
    for (Pending& p : pending_) MPI_Wait(&p.request, MPI_STATUS_IGNORE);
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void send(int to, int tag, Bytes bytes) override {
    if (bytes.size() > static_cast<std::size_t>(INT_MAX))
      throw Error(fmt::format("a message of {} bytes is too large for one MPI send", bytes.size()));
    Timed t(stats_.seconds_in_calls);
    // A list, so a pending send's bytes and request stay where MPI was told they are.
    Pending& p = pending_.emplace_back();
    p.bytes = std::move(bytes);
    check(MPI_Isend(p.bytes.data(), static_cast<int>(p.bytes.size()), MPI_BYTE, to, tag, MPI_COMM_WORLD,
                    &p.request),
          "MPI_Isend");
    stats_.bytes_sent += p.bytes.size();
    ++stats_.messages_sent;
  }

  std::optional<Message> poll() override {
    Timed t(stats_.seconds_in_calls);
    int flag = 0;
    MPI_Status status;
    check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
    if (!flag) return std::nullopt;
    int count = 0;
    check(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
    Message m{status.MPI_SOURCE, status.MPI_TAG, Bytes(static_cast<std::size_t>(count))};
    check(MPI_Recv(m.bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
                   MPI_STATUS_IGNORE),
          "MPI_Recv");
    return m;
  }

  bool flushed() override {
    Timed t(stats_.seconds_in_calls);
    for (auto it = pending_.begin(); it != pending_.end();) {
      int done = 0;
      check(MPI_Test(&it->request, &done, MPI_STATUS_IGNORE), "MPI_Test");
      it = done ? pending_.erase(it) : std::next(it);
    }
    return pending_.empty();
  }

  TransportStats stats() const override { return stats_; }

 private:
  struct Pending {
    Bytes bytes;
    MPI_Request request = MPI_REQUEST_NULL;
  };
  int rank_, size_;
  std::list<Pending> pending_;
  TransportStats stats_;
};

}  // namespace

World::World(int& argc, char**& argv) {
  if (!launched_ranks()) return;  // a plain process: MPI is never touched
  int provided = 0;
  // Only the thread that initialises MPI calls it (the farm's coordinating loop); the simulation's threads
  // never do.
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  initialised_ = true;
  if (provided < MPI_THREAD_FUNNELED) throw Error("this MPI library does not support MPI_THREAD_FUNNELED");
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
  if (size_ > 1) messenger_ = std::make_unique<MpiMessenger>(rank_, size_);
}

World::~World() {
  messenger_.reset();
  if (initialised_) MPI_Finalize();
}

Messenger& World::messenger() {
  if (!messenger_) throw Error("a job of one process has no messenger");
  return *messenger_;
}

bool World::same_everywhere(std::uint64_t value) {
  if (size_ <= 1) return true;
  // The largest value and the largest complement, in one reduction: equal everywhere when the largest is
  // also the smallest (the complement of the largest complement).
  std::uint64_t mine[2] = {value, ~value}, most[2] = {0, 0};
  check(MPI_Allreduce(mine, most, 2, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  return most[0] == ~most[1];
}

}  // namespace wijksim::cluster
