// Test-only, header-only: golden MCP transcripts (src/mcp/testdata/*.jsonl) and the
// transport-agnostic ReplayTranscript, shared by the stdio (transcript_test.cc) and HTTP
// (src/http/) tests.
//
// Transcript format, one JSON object per line:
//   {"comment": "..."}          ignored (so are blank lines)
//   {"send": <message>}         the message, serialised as one line, is sent to the server
//   {"send_raw": "<text>"}      the text is sent verbatim as one line (malformed input)
//   {"expect": <pattern>}       the next response line must match the pattern
// Every response a send produces must be matched by the `expect` lines that follow it before the
// next send; a send followed directly by another send (a notification) must produce nothing.
// Each file is one session (one connection).
//
// Patterns compare field-wise: objects must have the same keys, arrays the same length, scalars
// the same value, except that the strings "<any>", "<string>", "<number>" match any value, any
// string, any number; "<contains:TEXT>" matches a string containing TEXT; and a key "..." in an
// expected object allows keys it does not list.
//
// ReplayTranscript only needs a "send one line, get the lines written back" function, so the
// HTTP and SSE transports can replay the same files.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "mcp/jsonrpc.h"
#include "mcp/tool.h"

namespace memex::mcp::transcript {

namespace fs = std::filesystem;

using SendFn = std::function<std::vector<std::string>(const std::string& line)>;

// Empty when `actual` matches `pattern`, else where and how it differs.
inline std::string Mismatch(const Json& pattern, const Json& actual, const std::string& where) {
  if (pattern.is_string()) {
    const std::string& p = pattern.get_ref<const std::string&>();
    if (p == "<any>") return "";
    if (p == "<string>") return actual.is_string() ? "" : where + ": expected a string";
    if (p == "<number>") return actual.is_number() ? "" : where + ": expected a number";
    if (p.starts_with("<contains:") && p.ends_with(">")) {
      std::string needle = p.substr(10, p.size() - 11);
      if (actual.is_string() &&
          actual.get_ref<const std::string&>().find(needle) != std::string::npos) {
        return "";
      }
      return where + ": expected a string containing '" + needle + "', got " + actual.dump();
    }
  }
  if (pattern.is_object()) {
    if (!actual.is_object()) return where + ": expected an object, got " + actual.dump();
    bool open = pattern.contains("...");
    for (const auto& [key, value] : pattern.items()) {
      if (key == "...") continue;
      if (!actual.contains(key)) return where + ": missing key '" + key + "'";
      std::string m = Mismatch(value, actual.at(key), where + "." + key);
      if (!m.empty()) return m;
    }
    if (!open) {
      for (const auto& [key, value] : actual.items()) {
        if (!pattern.contains(key)) return where + ": unexpected key '" + key + "'";
      }
    }
    return "";
  }
  if (pattern.is_array()) {
    if (!actual.is_array() || actual.size() != pattern.size()) {
      return where + ": expected an array of " + std::to_string(pattern.size()) + ", got " +
             actual.dump();
    }
    for (size_t i = 0; i < pattern.size(); ++i) {
      std::string m = Mismatch(pattern[i], actual[i], where + "[" + std::to_string(i) + "]");
      if (!m.empty()) return m;
    }
    return "";
  }
  return pattern == actual ? "" : where + ": expected " + pattern.dump() + ", got " + actual.dump();
}

struct Step {
  int line_no = 0;
  std::string send;            // the line to send
  std::vector<Json> expected;  // the patterns of the responses it must produce
};

inline ::testing::AssertionResult LoadTranscript(const fs::path& path, std::vector<Step>& steps) {
  std::ifstream in(path);
  if (!in) return ::testing::AssertionFailure() << "cannot open " << path;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json entry = Json::parse(line, nullptr, false);
    if (!entry.is_object() || entry.size() != 1) {
      return ::testing::AssertionFailure()
             << path.filename() << ":" << line_no << ": not a one-key object";
    }
    if (entry.contains("comment")) continue;
    if (entry.contains("send")) {
      steps.push_back({line_no, Serialize(entry["send"]), {}});
    } else if (entry.contains("send_raw") && entry["send_raw"].is_string()) {
      steps.push_back({line_no, entry["send_raw"].get<std::string>(), {}});
    } else if (entry.contains("expect") && !steps.empty()) {
      steps.back().expected.push_back(entry["expect"]);
    } else {
      return ::testing::AssertionFailure()
             << path.filename() << ":" << line_no << ": unknown or misplaced entry";
    }
  }
  return ::testing::AssertionSuccess();
}

// Replays one transcript file over `send`.
inline ::testing::AssertionResult ReplayTranscript(const fs::path& path, const SendFn& send) {
  std::vector<Step> steps;
  if (auto loaded = LoadTranscript(path, steps); !loaded) return loaded;
  for (const Step& step : steps) {
    std::vector<std::string> got = send(step.send);
    std::string at = path.filename().string() + ":" + std::to_string(step.line_no);
    if (got.size() != step.expected.size()) {
      auto failure = ::testing::AssertionFailure() << at << ": expected " << step.expected.size()
                                                   << " response(s), got " << got.size();
      for (const std::string& g : got) failure << "\n  " << g;
      return failure;
    }
    for (size_t i = 0; i < got.size(); ++i) {
      Json actual = Json::parse(got[i], nullptr, false);
      if (actual.is_discarded()) {
        return ::testing::AssertionFailure() << at << ": response is not JSON: " << got[i];
      }
      std::string m = Mismatch(step.expected[i], actual, "response");
      if (!m.empty()) return ::testing::AssertionFailure() << at << ": " << m << "\n  " << got[i];
    }
  }
  return ::testing::AssertionSuccess();
}

inline std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

inline std::vector<fs::path> TranscriptFiles() {
  fs::path dir = fs::path(__FILE__).parent_path() / "testdata";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The tools the transcripts call: no storage, fully deterministic.
inline void AddTestTools(ToolRegistry& tools) {
  tools.Add(ToolDef{.name = "echo",
                    .title = "Echo",
                    .description = "Returns the text it is given.",
                    .input_schema = {{"type", "object"},
                                     {"properties", {{"text", {{"type", "string"}}}}},
                                     {"required", {"text"}}},
                    .annotations = {.read_only = true, .idempotent = true}},
            [](const Json& args, const CallContext&) -> ToolOutcome {
              auto text = args.find("text");
              if (text == args.end() || !text->is_string()) {
                return ToolError{"invalid_request", 400, "text must be a string"};
              }
              return Json{{"text", *text}, {"length", text->get_ref<const std::string&>().size()}};
            });
  tools.Add(ToolDef{.name = "forget_thing",
                    .description = "Always fails: the thing is not found.",
                    .input_schema = {{"type", "object"}},
                    .annotations = {.destructive = true}},
            [](const Json&, const CallContext&) -> ToolOutcome {
              return ToolError{"resource_not_found", 404, "resource not found: thing"};
            });
}

}  // namespace memex::mcp::transcript
