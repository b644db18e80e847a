#include "service_stack.h"

#include "store/sqlite/sqlite_store.h"

namespace memex::bench {

ServiceStack::ServiceStack(Key, TempDir dir) : dir_(std::move(dir)) {}

ServiceStack::~ServiceStack() {
  service_.reset();
  store_.reset();
}

Result<std::unique_ptr<ServiceStack>> ServiceStack::Open(const std::string& tmp_parent) {
  ASSIGN_OR_RETURN(TempDir dir, TempDir::Create(tmp_parent, "memex-bench-"));
  auto stack = std::make_unique<ServiceStack>(Key{}, std::move(dir));
  stack->config_.data_dir = stack->dir_.path();
  ASSIGN_OR_RETURN(stack->redactor_, Redactor::Create(stack->config_.redaction));
  ASSIGN_OR_RETURN(stack->store_, SqliteStore::Open(stack->config_.data_dir + "/memex.db",
                                                    stack->config_.storage, stack->clock_));
  stack->service_ = std::make_unique<MemoryService>(*stack->store_, stack->config_, stack->clock_,
                                                    *stack->redactor_);
  return stack;
}

}  // namespace memex::bench
