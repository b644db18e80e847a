// One memory at a time: remember, get, update, forget.
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/text.h"
#include "base/time_util.h"
#include "cli/commands.h"
#include "cli/format.h"
#include "cli/output.h"
#include "cli/session.h"

namespace memex::cli {
namespace {

Status RequireId(std::string_view id) {
  if (IsUuid(id)) return Status::Ok();
  return InvalidArgument("invalid id '" + std::string(id) +
                         "': expected a memory id (a UUID as printed by remember, recall or list)");
}

Status CheckConfidence(const std::optional<double>& confidence) {
  if (!confidence || (*confidence >= 0.0 && *confidence <= 1.0)) return Status::Ok();
  return InvalidArgument("--confidence must be between 0 and 1 (got " +
                         std::to_string(*confidence) + ")");
}

bool IsStdinMarker(const std::vector<std::string>& args) {
  return args.size() == 1 && args[0] == "-";
}

// Content from the arguments (joined by spaces), or all of stdin. One trailing line break is
// dropped so that `echo text | memex remember` stores the same text as `memex remember text`.
std::string ReadContent(const std::vector<std::string>& args, Session& session, bool from_stdin) {
  if (!from_stdin) return Join(args, " ");
  if (session.deps().stdin_is_tty)
    session.output().Note("reading the content from stdin (end with Ctrl-D)");
  std::string text{std::istreambuf_iterator<char>(session.deps().in),
                   std::istreambuf_iterator<char>()};
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

// `waited`: --wait was given, so the answer says whether the vector is searchable.
void PrintWriteResult(Session& session, const RememberResult& r, std::string_view unchanged_note,
                      bool waited) {
  Output& out = session.output();
  if (out.json()) {
    Json near = Json::array();
    for (const NearDuplicate& d : r.near_duplicates) {
      near.push_back({{"id", d.id}, {"similarity", d.similarity}, {"reason", d.reason}});
    }
    Json j{{"id", r.id},
           {"version", r.version},
           {"created", r.created},
           {"redactions", r.redactions},
           {"near_duplicates", std::move(near)}};
    if (waited) j["embedded"] = r.embedded;
    out.PrintJson(j);
    return;
  }
  if (waited && !r.embedded) {
    out.Note(
        "stored without its vector: semantic recall is off or the embedder failed "
        "(`memex status` says which); lexical recall finds it, and the queue embeds it later");
  }
  out.out() << r.id;
  if (r.version > 1) out.out() << " (version " << r.version << ")";
  out.out() << '\n';
  if (!r.created) out.Note(unchanged_note);
  if (r.redactions > 0) {
    out.Note(std::to_string(r.redactions) + (r.redactions == 1 ? " secret" : " secrets") +
             " redacted before storing");
  }
  // On stderr, like every note: `id=$(memex remember ...)` still captures the id alone.
  for (const NearDuplicate& d : r.near_duplicates) out.Note(FormatNearDuplicate(d));
}

Json LinkJson(const MemoryLink& l) {
  return Json{{"from", l.from_id},
              {"to", l.to_id},
              {"kind", LinkKindName(l.kind)},
              {"score", l.score},
              {"created_at", FormatRfc3339Ms(l.created_ms)}};
}

class RememberCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    return {
        {"content CONTENT", "Memory text (arguments are joined by spaces); none or '-' reads stdin",
         &content_},
        {"--kind,-k KIND", "Kind: " + KindNameList() + " (default fact)", &kind_},
        {"--tag,-t TAG", "Tag (repeatable or comma-separated)", &tags_},
        {"--agent NAME", "Agent that wrote it (e.g. claude-code)", &agent_},
        {"--session ID", "Session id it belongs to", &session_},
        {"--confidence X", "Confidence between 0 and 1 (default 1)", &confidence_},
        {"--expires DATE", "Hide it after DATE (YYYY-MM-DD or RFC 3339)", &expires_},
        {"--idempotency-key KEY", "Same key in the same scope = same memory (safe retries)",
         &idempotency_key_},
        {"--created DATE", "Original creation time DATE, for backfills", &created_},
        {"--wait", "Return once its vector is stored and searchable (strong consistency)", &wait_},
    };
  }

  Status Validate() override {
    ASSIGN_OR_RETURN(memory_.kind, ParseKind(AsciiLower(Trim(kind_))));
    RETURN_IF_ERROR(CheckConfidence(confidence_));
    if (!expires_.empty()) {
      ASSIGN_OR_RETURN(memory_.expires_ms, ParseDateFlag("--expires", expires_));
    }
    if (!created_.empty()) {
      ASSIGN_OR_RETURN(memory_.created_ms, ParseDateFlag("--created", created_));
    }
    memory_.tags = NormalizeTags(SplitCommaList(tags_));
    memory_.agent = agent_;
    memory_.session = session_;
    memory_.idempotency_key = idempotency_key_;
    if (confidence_) memory_.confidence = *confidence_;
    return Status::Ok();
  }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(ResolvedScope scope, session.GetScope());
    ASSIGN_OR_RETURN(MemoryApi * service, session.GetApi());
    RememberRequest req{memory_, wait_};
    req.memory.scope = scope.scope;
    req.memory.content =
        ReadContent(content_, session, content_.empty() || IsStdinMarker(content_));
    ASSIGN_OR_RETURN(RememberResult result, service->Remember(req));
    PrintWriteResult(session, result,
                     "already stored: an identical memory (or the same idempotency key) exists "
                     "in " +
                         scope.scope.ToString(),
                     wait_);
    return Status::Ok();
  }

 private:
  std::vector<std::string> content_;
  std::string kind_ = "fact";
  std::vector<std::string> tags_;
  std::string agent_;
  std::string session_;
  std::optional<double> confidence_;
  std::string expires_;
  std::string idempotency_key_;
  std::string created_;
  bool wait_ = false;
  NewMemory memory_;
};

class GetCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    return {
        {"id ID", "Memory id (any version)", &id_, /*required=*/true},
        {"--history", "Show every version, oldest first (tombstones too)", &history_},
        {"--include-forgotten", "Also show a forgotten memory", &include_forgotten_},
    };
  }

  Status Validate() override { return RequireId(id_); }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(MemoryApi * service, session.GetApi());
    Output& out = session.output();
    if (!history_) {
      ASSIGN_OR_RETURN(Memory m, service->Get(id_, include_forgotten_));
      ASSIGN_OR_RETURN(std::vector<MemoryLink> links, service->Links(m.id));
      if (out.json()) {
        Json j = MemoryJson(m);
        if (!links.empty()) {
          Json list = Json::array();
          for (const MemoryLink& l : links) list.push_back(LinkJson(l));
          j["links"] = std::move(list);
        }
        out.PrintJson(j);
      } else {
        out.out() << FormatMemoryDetail(m, session.NowMs());
        if (!links.empty()) out.out() << "\nlinks:\n" << FormatLinks(m.id, links, session.NowMs());
      }
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(std::vector<Memory> versions, service->History(id_));
    if (out.json()) {
      Json list = Json::array();
      for (const Memory& m : versions) list.push_back(MemoryJson(m));
      out.PrintJson(Json{{"id", id_}, {"versions", std::move(list)}});
      return Status::Ok();
    }
    for (size_t i = 0; i < versions.size(); ++i) {
      if (i > 0) out.out() << '\n';
      out.out() << "=== version " << versions[i].version << " (" << i + 1 << " of "
                << versions.size() << ")\n"
                << FormatMemoryDetail(versions[i], session.NowMs());
    }
    return Status::Ok();
  }

 private:
  std::string id_;
  bool history_ = false;
  bool include_forgotten_ = false;
};

class UpdateCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    return {
        {"id ID", "Memory id (any version; the newest is updated)", &id_, /*required=*/true},
        {"content CONTENT",
         "New text (arguments joined by spaces); '-' reads stdin; omit to keep it", &content_},
        {"--tag,-t TAG", "Replace the tags (repeatable or comma-separated; --tag '' clears)",
         &tags_},
        {"--kind,-k KIND", "New kind: " + KindNameList(), &kind_},
        {"--confidence X", "New confidence between 0 and 1", &confidence_},
        {"--expires DATE", "New expiry DATE, or 'never'", &expires_},
        {"--agent NAME", "Agent making the change", &agent_},
        {"--session ID", "Session making the change", &session_},
        {"--wait", "Return once the new version's vector is searchable (strong consistency)",
         &wait_},
    };
  }

  Status Validate() override {
    RETURN_IF_ERROR(RequireId(id_));
    if (!kind_.empty()) {
      ASSIGN_OR_RETURN(patch_.kind, ParseKind(AsciiLower(Trim(kind_))));
    }
    RETURN_IF_ERROR(CheckConfidence(confidence_));
    if (confidence_) patch_.confidence = *confidence_;
    if (expires_ == "never") {
      patch_.expires_ms = 0;
    } else if (!expires_.empty()) {
      ASSIGN_OR_RETURN(patch_.expires_ms, ParseDateFlag("--expires", expires_));
    }
    if (!tags_.empty()) patch_.tags = NormalizeTags(SplitCommaList(tags_));
    patch_.agent = agent_;
    patch_.session = session_;
    if (content_.empty() && !patch_.tags && !patch_.kind && !patch_.confidence &&
        !patch_.expires_ms) {
      return InvalidArgument(
          "nothing to update: give new content, --tag, --kind, --confidence or --expires");
    }
    return Status::Ok();
  }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(MemoryApi * service, session.GetApi());
    UpdateRequest req{id_, patch_, wait_};
    if (!content_.empty()) {
      req.patch.content = ReadContent(content_, session, IsStdinMarker(content_));
    }
    ASSIGN_OR_RETURN(RememberResult result, service->Update(req));
    PrintWriteResult(session, result, "unchanged: the update matches the current version", wait_);
    return Status::Ok();
  }

 private:
  std::string id_;
  std::vector<std::string> content_;
  std::vector<std::string> tags_;
  std::string kind_;
  std::optional<double> confidence_;
  std::string expires_;
  std::string agent_;
  std::string session_;
  bool wait_ = false;
  MemoryPatch patch_;
};

class ForgetCommand : public Command {
 public:
  std::vector<Opt> Options() override {
    return {
        {"id ID", "Memory id (any version; the whole chain is forgotten)", &id_, /*required=*/true},
        {"--hard", "Purge every version permanently instead of leaving tombstones", &hard_},
    };
  }

  Status Validate() override { return RequireId(id_); }

  Status Run(Session& session) override {
    ASSIGN_OR_RETURN(MemoryApi * service, session.GetApi());
    ASSIGN_OR_RETURN(ForgetResult result, service->Forget(id_, hard_));
    Output& out = session.output();
    if (out.json()) {
      out.PrintJson(Json{{"id", id_}, {"rows", result.rows}, {"hard", result.hard}});
    } else if (result.hard) {
      out.out() << "Purged " << id_ << ": " << result.rows << (result.rows == 1 ? " row" : " rows")
                << " deleted permanently\n";
    } else {
      out.out() << "Forgot " << id_ << " (" << result.rows
                << (result.rows == 1 ? " version" : " versions")
                << "; tombstones are kept for export, 'forget --hard' purges them)\n";
    }
    return Status::Ok();
  }

 private:
  std::string id_;
  bool hard_ = false;
};

}  // namespace

std::unique_ptr<Command> NewRememberCommand() { return std::make_unique<RememberCommand>(); }
std::unique_ptr<Command> NewGetCommand() { return std::make_unique<GetCommand>(); }
std::unique_ptr<Command> NewUpdateCommand() { return std::make_unique<UpdateCommand>(); }
std::unique_ptr<Command> NewForgetCommand() { return std::make_unique<ForgetCommand>(); }

}  // namespace memex::cli
