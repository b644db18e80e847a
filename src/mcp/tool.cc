#include "mcp/tool.h"

#include <exception>

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

ToolOutcome ToolRegistry::Call(const std::string& name, const Json& arguments,
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
