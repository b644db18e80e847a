// `memex export-dataset --format sft|trajectory|preference` (docs/capture.md, "Datasets"):
// fine-tune records from the captured sessions' prompts and tool calls, as JSONL. The records
// are capture/dataset_export.h's; this file picks the sessions and writes the lines.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "capture/dataset_export.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/output.h"
#include "cli/session.h"
#include "service/capture_service.h"

namespace memex::cli {
namespace {

namespace fs = std::filesystem;

struct Counts {
  int64_t sessions = 0;
  int64_t tool_calls = 0;
  int64_t records = 0;
};

Status WriteRecords(std::ostream& out, const std::vector<nlohmann::ordered_json>& records) {
  for (const nlohmann::ordered_json& r : records) {
    out << r.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  }
  out.flush();
  return out ? Status::Ok() : Internal("writing the dataset failed");
}

class ExportDatasetCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    return {
        {"--format,-f FORMAT", "sft | trajectory | preference", &format_, /*required=*/true},
        {"--out,-o FILE", "Write to FILE (replaced atomically) instead of stdout", &out_path_},
        {"--all-scopes", "Every scope's sessions, not only the current scope's", &all_scopes_},
        {"--include-errors",
         "Keep failed and problematic calls in sft and trajectory records (preference pairs "
         "always use them)",
         &include_errors_},
        {"--agent AGENT", "Only this agent's sessions (claude-code, codex, ...)", &agent_},
        {"--min-reward R", "Drop records whose reward is below R (-2..2)", &min_reward_},
        {"--max-reward R", "Drop records whose reward is above R (-2..2)", &max_reward_},
    };
  }

  Status Validate() override {
    RETURN_IF_ERROR(capture::ParseDatasetFormat(format_).status().WithContext("--format"));
    if (min_reward_ && max_reward_ && *min_reward_ > *max_reward_) {
      return InvalidArgument("--min-reward is above --max-reward");
    }
    return Status::Ok();
  }

  Status Run(Session& session) override {
    if (!session.globals().server.empty()) {
      return FailedPrecondition(
          "'memex export-dataset' reads this machine's data directory; --server cannot be used "
          "with it");
    }
    ASSIGN_OR_RETURN(CaptureService * capture, session.GetCapture());
    SessionQuery q;
    q.all_scopes = all_scopes_;
    if (!all_scopes_) {
      ASSIGN_OR_RETURN(ResolvedScope scope, session.GetScope());
      q.scopes = {scope.scope};
    }
    q.agent = agent_;
    q.limit = 0;
    ASSIGN_OR_RETURN(std::vector<memex::Session> sessions, capture->ListSessions(q));

    Counts counts;
    std::vector<capture::ToolCallRecord> calls;
    for (const memex::Session& s : sessions) {
      ASSIGN_OR_RETURN(std::vector<Event> events, capture->SessionEvents(s.id));
      std::vector<capture::ToolCallRecord> more = capture::CollectToolCalls(s, events);
      ++counts.sessions;
      counts.tool_calls += static_cast<int64_t>(more.size());
      for (auto& r : more) calls.push_back(std::move(r));
    }
    capture::DatasetOptions opts;
    opts.format = *capture::ParseDatasetFormat(format_);
    opts.include_errors = include_errors_;
    opts.min_reward = min_reward_;
    opts.max_reward = max_reward_;
    std::vector<nlohmann::ordered_json> records = capture::BuildDataset(std::move(calls), opts);
    counts.records = static_cast<int64_t>(records.size());

    Output& out = session.output();
    std::string what = FormatCount(counts.records) + " " + format_ + " records from " +
                       FormatCount(counts.tool_calls) + " tool calls in " +
                       FormatCount(counts.sessions) + " sessions";
    if (out_path_.empty()) {
      RETURN_IF_ERROR(WriteRecords(out.out(), records));
      out.Note("exported " + what);
      return Status::Ok();
    }
    // Beside the target, then renamed: a failed export never leaves a truncated file.
    std::string tmp = out_path_ + ".partial";
    {
      std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
      if (!file) {
        return FailedPrecondition("cannot write '" + tmp + "': " + std::strerror(errno));
      }
      Status st = WriteRecords(file, records);
      if (!st.ok()) {
        file.close();
        std::error_code ec;
        fs::remove(tmp, ec);
        return FailedPrecondition("writing '" + tmp + "' failed (disk full?)");
      }
    }
    std::error_code ec;
    fs::rename(tmp, out_path_, ec);
    if (ec) {
      fs::remove(tmp, ec);
      return FailedPrecondition("cannot replace '" + out_path_ + "': " + ec.message());
    }
    if (out.json()) {
      out.PrintJson(Json{{"format", format_},
                         {"records", counts.records},
                         {"tool_calls", counts.tool_calls},
                         {"sessions", counts.sessions},
                         {"out", out_path_}});
    } else {
      out.out() << "Exported " << what << " to " << out_path_ << '\n';
    }
    return Status::Ok();
  }

 private:
  std::string format_;
  std::string out_path_;
  bool all_scopes_ = false;
  bool include_errors_ = false;
  std::string agent_;
  std::optional<double> min_reward_;
  std::optional<double> max_reward_;
};

}  // namespace

std::unique_ptr<Command> NewExportDatasetCommand() {
  return std::make_unique<ExportDatasetCommand>();
}

}  // namespace memex::cli
