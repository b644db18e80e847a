// Moving memories in and out as JSONL: export and import (with progress bars); import --from
// reads agents' transcripts instead (cli/transcript_import.h).
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "capture/transcript_import.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/query_args.h"
#include "cli/session.h"
#include "cli/transcript_import.h"

namespace memex::cli {
namespace {

namespace fs = std::filesystem;

class ExportCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    std::vector<Opt> opts = {
        {"--out,-o FILE", "Write to FILE (replaced atomically) instead of stdout", &out_path_},
    };
    filter_.AddOptions(opts, FilterArgs::kScopeFlags);
    return opts;
  }

  Status Validate() override { return filter_.Validate(); }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(SearchFilter filter, filter_.Build(session));
    ASSIGN_OR_RETURN(MemoryApi * service, session.GetApi());
    Output& out = session.output();
    ProgressBar bar(out.err(), "Exporting", session.deps().clock, session.ProgressEnabled());
    if (out_path_.empty()) {
      ASSIGN_OR_RETURN(ExportSummary summary, service->Export(filter, out.out(), bar.Callback()));
      bar.Finish();
      out.out().flush();
      if (!out.out()) return Internal("writing the export to stdout failed");
      if (!out.json()) out.Note("exported " + FormatCount(summary.rows) + " memory versions");
      return Status::Ok();
    }
    // Write beside the target and rename, so a failed export never leaves a truncated file.
    std::string tmp = out_path_ + ".partial";
    ExportSummary summary;
    {
      std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
      if (!file) {
        return FailedPrecondition("cannot write '" + tmp + "': " + std::strerror(errno));
      }
      Result<ExportSummary> result = service->Export(filter, file, bar.Callback());
      bar.Finish();
      file.flush();
      Status st = result.ok() ? Status::Ok() : result.status();
      if (st.ok() && !file) st = FailedPrecondition("writing '" + tmp + "' failed (disk full?)");
      if (!st.ok()) {
        file.close();
        std::error_code ec;
        fs::remove(tmp, ec);
        return st;
      }
      summary = *result;
    }
    std::error_code ec;
    fs::rename(tmp, out_path_, ec);
    if (ec) {
      fs::remove(tmp, ec);
      return FailedPrecondition("cannot replace '" + out_path_ + "': " + ec.message());
    }
    if (out.json()) {
      out.PrintJson(Json{{"rows", summary.rows}, {"out", out_path_}});
    } else {
      out.out() << "Exported " << FormatCount(summary.rows) << " memory versions to " << out_path_
                << '\n';
    }
    return Status::Ok();
  }

 private:
  std::string out_path_;
  FilterArgs filter_;
};

class ImportCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    return {
        {"file FILE",
         "JSONL written by 'memex export', or '-' for stdin; with --from, a transcript file or "
         "directory (default: the agent's own)",
         &path_},
        {"--dry-run", "Validate every line and count, but store nothing", &dry_run_},
        {"--from AGENT",
         "Import an agent's transcripts as captured sessions instead: claude-code "
         "(~/.claude/projects) or codex (~/.codex/sessions)",
         &from_},
    };
  }

  Status Validate() override {
    if (!from_.empty()) {
      RETURN_IF_ERROR(capture::ParseTranscriptFormat(from_).status().WithContext("--from"));
      if (dry_run_) return InvalidArgument("--dry-run cannot be used with --from");
      if (path_ == "-") return InvalidArgument("--from reads files, not stdin");
      return Status::Ok();
    }
    if (path_.empty()) {
      return InvalidArgument("import needs a file (or --from claude-code|codex for transcripts)");
    }
    return Status::Ok();
  }

  Status Run(Session& session) override {
    if (!from_.empty()) return RunTranscriptImport(session, from_, path_);
    ASSIGN_OR_RETURN(MemoryApi * service, session.GetApi());
    ImportOptions opts;
    opts.dry_run = dry_run_;
    Output& out = session.output();
    ProgressBar bar(out.err(), dry_run_ ? "Checking" : "Importing", session.deps().clock,
                    session.ProgressEnabled());
    Result<ImportSummary> result = Status(StatusCode::kInternal, "import did not run");
    if (path_ == "-") {
      result = service->Import(session.deps().in, opts, bar.Callback());
    } else {
      std::error_code ec;
      if (!fs::exists(path_, ec)) return NotFound("cannot open '" + path_ + "': no such file");
      if (fs::is_directory(path_, ec)) {
        return InvalidArgument("cannot import '" + path_ + "': it is a directory");
      }
      std::ifstream file(path_, std::ios::binary);
      if (!file) {
        return FailedPrecondition("cannot open '" + path_ + "': " + std::strerror(errno));
      }
      result = service->Import(file, opts, bar.Callback());
    }
    bar.Finish();
    if (!result.ok()) return result.status().WithContext(path_ == "-" ? "stdin" : path_);
    const ImportSummary& s = *result;
    if (out.json()) {
      out.PrintJson(Json{{"lines", s.lines},
                         {"inserted", s.inserted},
                         {"skipped", s.skipped},
                         {"redactions", s.redactions},
                         {"dry_run", dry_run_}});
      return Status::Ok();
    }
    if (dry_run_) {
      out.out() << "Dry run: " << FormatCount(s.lines)
                << " memory versions are valid; nothing was stored.\n";
    } else {
      out.out() << "Imported " << FormatCount(s.inserted) << " memory versions ("
                << FormatCount(s.skipped) << " already present) from "
                << (path_ == "-" ? "stdin" : path_) << '\n';
    }
    if (s.redactions > 0) {
      out.Note(FormatCount(s.redactions) + " secrets redacted from imported content");
    }
    return Status::Ok();
  }

 private:
  std::string path_;
  bool dry_run_ = false;
  std::string from_;
};

}  // namespace

std::unique_ptr<Command> NewExportCommand() { return std::make_unique<ExportCommand>(); }
std::unique_ptr<Command> NewImportCommand() { return std::make_unique<ImportCommand>(); }

}  // namespace memex::cli
