// The processes of a job: this one's rank, how many there are, and messages between them.
//
// Under an MPI launcher (mpirun, srun --mpi=pmix) a World initialises MPI for the process's lifetime and
// its Messenger sends and receives through MPI; otherwise, and in a build without MPI (WIJKSIM_MPI=OFF), it
// is a job of one process that never touches MPI. Only world_mpi.cpp includes <mpi.h>: the farm
// (unit_farm.h) sees nothing but the Messenger, so its protocol is tested in one process with a Messenger
// of its own (tests/cluster_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace wijksim::cluster {

using Bytes = std::vector<std::byte>;

// Processor time of the calling thread, in seconds.
double thread_cpu_seconds();

struct Message {
  int from = 0;
  int tag = 0;
  Bytes bytes;
};

// What a rank's transport did: for the communication share the benchmark reports.
struct TransportStats {
  // Processor time of the calling thread inside the transport's calls (MPI_Isend, MPI_Iprobe, MPI_Recv,
  // MPI_Test): what communication costs the rank, whatever else runs on the machine.
  double seconds_in_calls = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t messages_sent = 0;
};

// Point-to-point messages between the ranks of a job. Called from one thread of each rank only (MPI's
// THREAD_FUNNELED). Messages from one rank to another arrive in the order they were sent.
class Messenger {
 public:
  virtual ~Messenger() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Sends at once, without waiting for the receiver: the messenger keeps the bytes until they are out.
  virtual void send(int to, int tag, Bytes bytes) = 0;
  // A message that has arrived for this rank, from any rank, if there is one; never waits.
  virtual std::optional<Message> poll() = 0;
  // Whether everything sent has left (the farm waits for this before it ends).
  virtual bool flushed() = 0;
  virtual TransportStats stats() const = 0;
};

class World {
 public:
  // Initialises MPI when the process was started by an MPI launcher (its environment says so). Throws Error
  // when it was, but this build has no MPI: every process would run the whole study on its own.
  World(int& argc, char**& argv);
  ~World();  // MPI_Finalize
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool coordinator() const { return rank_ == 0; }
  // The job's messages; only when size() > 1.
  Messenger& messenger();
  // Whether every rank passed the same `value`. A collective: every rank must call it, before anything else
  // talks to the others. True in a job of one process.
  bool same_everywhere(std::uint64_t value);

  // Whether the environment says an MPI launcher started this process: Open MPI's mpirun (OMPI_COMM_WORLD_*),
  // a PMIx launcher such as srun --mpi=pmix (PMIX_RANK) or a PMI one (PMI_RANK); and how many processes it
  // started, when it says (else 0).
  static std::optional<int> launched_ranks();
  // This process's rank as the launcher's environment says it, before MPI is initialised (else nothing).
  static std::optional<int> launched_rank();

 private:
  int rank_ = 0;
  int size_ = 1;
  bool initialised_ = false;
  std::unique_ptr<Messenger> messenger_;
};

}  // namespace wijksim::cluster
