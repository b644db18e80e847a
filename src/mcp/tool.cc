#include "mcp/tool.h"

#include <chrono>
#include <exception>
#include <utility>

namespace memex::mcp {

void ToolRegistry::Add(ToolDef def, ToolHandler handler) {
  for (Entry& e : entries_) {
    if (e.def.name == def.name) {
      e = Entry{std::move(def), std::move(handler)};
      return;
    }
  }
  entries_.push_back(Entry{std::move(def), std::move(handler)});
}

std::vector<const ToolDef*> ToolRegistry::List() const {
  std::vector<const ToolDef*> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(&e.def);
  return out;
}

const ToolDef* ToolRegistry::Find(const std::string& name) const {
  for (const Entry& e : entries_) {
    if (e.def.name == name) return &e.def;
  }
  return nullptr;
}

void ToolRegistry::AddObserver(CallObserver observer) { observers_.push_back(std::move(observer)); }

ToolOutcome ToolRegistry::Call(const std::string& name, const Json& arguments,
                               const CallContext& ctx) const {
  if (observers_.empty() && audit_ == nullptr) return CallHandler(name, arguments, ctx);
  int64_t start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  auto start = std::chrono::steady_clock::now();
  ToolOutcome outcome = CallHandler(name, arguments, ctx);
  double duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const ToolError* error = std::get_if<ToolError>(&outcome);
  // The size of the text the transports send; measured once here so every interface agrees.
  size_t result_bytes =
      error != nullptr
          ? 0
          : std::get<Json>(outcome).dump(-1, ' ', false, Json::error_handler_t::replace).size();
  CallRecord record{.tool = name,
                    .arguments = arguments,
                    .ctx = ctx,
                    .start_ms = start_ms,
                    .duration_ms = duration_ms,
                    .result_bytes = result_bytes,
                    .error = error};
  for (const CallObserver& observer : observers_) observer(record);
  if (audit_ != nullptr) {
    std::optional<audit::AuditError> audit_error;
    if (error != nullptr) audit_error = audit::AuditError{error->code, error->message};
    audit_->Record(audit::AuditEntry{.time_ms = start_ms,
                                     .principal = ctx.principal.name,
                                     .interface = ctx.interface,
                                     .tool = name,
                                     .args = arguments,
                                     .duration_ms = duration_ms,
                                     .result_bytes = result_bytes,
                                     .error = std::move(audit_error)});
  }
  return outcome;
}

ToolOutcome ToolRegistry::CallHandler(const std::string& name, const Json& arguments,
                                      const CallContext& ctx) const {
  for (const Entry& e : entries_) {
    if (e.def.name != name) continue;
    // The one catch-all of the tool path: nlohmann throws on type mismatches a handler missed.
    try {
      return e.handler(arguments, ctx);
    } catch (const std::exception& ex) {
      return ToolError{"internal_error", 500, std::string("tool failed: ") + ex.what()};
    }
  }
  return ToolError{"invalid_request", 400, "unknown tool '" + name + "'"};
}

}  // namespace memex::mcp
