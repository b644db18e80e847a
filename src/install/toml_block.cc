#include "install/toml_block.h"

#include <cstdio>
#include <optional>

#include "config/toml.h"

namespace memex::install {
namespace {

struct Block {
  size_t begin = 0;  // offset of the begin marker line
  size_t end = 0;    // offset just past the end marker line (and its newline)
};

std::string_view LineAt(std::string_view text, size_t pos, size_t* next) {
  size_t nl = text.find('\n', pos);
  *next = nl == std::string_view::npos ? text.size() : nl + 1;
  std::string_view line = text.substr(pos, *next - pos);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ' ||
                           line.back() == '\t')) {
    line.remove_suffix(1);
  }
  return line;
}

size_t LineNumber(std::string_view text, size_t pos) {
  size_t line = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i) line += text[i] == '\n' ? 1 : 0;
  return line;
}

// Finds the managed block. Errors: a begin marker without an end marker.
Result<std::optional<Block>> FindBlock(std::string_view text, std::string_view name,
                                       std::string_view path) {
  const std::string begin_marker = TomlBeginMarker(name);
  const std::string end_marker = TomlEndMarker(name);
  std::optional<size_t> begin;
  for (size_t pos = 0, next = 0; pos < text.size(); pos = next) {
    std::string_view line = LineAt(text, pos, &next);
    if (!begin && line == begin_marker) {
      begin = pos;
    } else if (begin && line == end_marker) {
      return std::optional<Block>(Block{*begin, next});
    }
  }
  if (begin) {
    return InvalidArgument(std::string(path) + ":" + std::to_string(LineNumber(text, *begin)) +
                           ": memex's managed block has no end marker '" + end_marker +
                           "'; fix or remove the block by hand");
  }
  return std::optional<Block>();
}

Result<toml::table> Parse(std::string_view text, std::string_view path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const toml::source_position& pos = e.source().begin;
    return InvalidArgument(std::string(path) + ":" + std::to_string(pos.line) + ":" +
                           std::to_string(pos.column) +
                           ": invalid TOML: " + std::string(e.description()));
  } catch (const std::exception& e) {
    return InvalidArgument(std::string(path) + ": invalid TOML: " + e.what());
  }
}

// The line of [mcp_servers.<name>] when the parsed document defines it.
std::optional<size_t> DefinedAt(const toml::table& root, std::string_view name) {
  const toml::node* servers = root.get("mcp_servers");
  if (servers == nullptr || !servers->is_table()) return std::nullopt;
  const toml::node* server = servers->as_table()->get(name);
  if (server == nullptr) return std::nullopt;
  return static_cast<size_t>(server->source().begin.line);
}

}  // namespace

std::string TomlBeginMarker(std::string_view name) {
  return "# >>> " + std::string(name) + " (managed by memex install) >>>";
}

std::string TomlEndMarker(std::string_view name) { return "# <<< " + std::string(name) + " <<<"; }

std::string TomlString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

std::string TomlStringArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += TomlString(items[i]);
  }
  return out + "]";
}

Status ValidateToml(std::string_view text, std::string_view path) {
  Result<toml::table> parsed = Parse(text, path);
  return parsed.ok() ? Status::Ok() : parsed.status();
}

Result<std::string> UpsertTomlBlock(std::string_view text, std::string_view name,
                                    std::string_view body, std::string_view path) {
  RETURN_IF_ERROR(ValidateToml(text, path));
  ASSIGN_OR_RETURN(std::optional<Block> block, FindBlock(text, name, path));
  const std::string managed =
      TomlBeginMarker(name) + "\n" + std::string(body) + TomlEndMarker(name) + "\n";
  std::string out;
  std::string outside;  // the user's text alone, to look for their own table of that name
  if (block) {
    outside = std::string(text.substr(0, block->begin)) + std::string(text.substr(block->end));
    out =
        std::string(text.substr(0, block->begin)) + managed + std::string(text.substr(block->end));
  } else {
    outside = std::string(text);
    out = std::string(text);
    if (!out.empty() && out.back() != '\n') out += '\n';
    if (!out.empty()) out += '\n';
    out += managed;
  }
  ASSIGN_OR_RETURN(toml::table user, Parse(outside, path));
  if (std::optional<size_t> line = DefinedAt(user, name)) {
    return AlreadyExists(std::string(path) + ":" + std::to_string(*line) + ": [mcp_servers." +
                         std::string(name) +
                         "] is already defined outside memex's managed block; remove it or pass "
                         "--name with another name");
  }
  if (Result<toml::table> result = Parse(out, path); !result.ok()) {
    return FailedPrecondition(
        "adding [mcp_servers." + std::string(name) + "] to " + std::string(path) +
        " would not be valid TOML (is mcp_servers an inline table?): " + result.status().message());
  }
  return out;
}

Result<TomlRemoval> RemoveTomlBlock(std::string_view text, std::string_view name,
                                    std::string_view path) {
  RETURN_IF_ERROR(ValidateToml(text, path));
  ASSIGN_OR_RETURN(std::optional<Block> block, FindBlock(text, name, path));
  TomlRemoval r;
  if (!block) {
    r.text = std::string(text);
  } else {
    r.removed = true;
    std::string before(text.substr(0, block->begin));
    const std::string after(text.substr(block->end));
    // Install put a blank line before a block it appended at the end.
    if (after.empty() && before.ends_with("\n\n")) before.pop_back();
    r.text = before + after;
  }
  ASSIGN_OR_RETURN(toml::table rest, Parse(r.text, path));
  r.foreign = DefinedAt(rest, name).has_value();
  return r;
}

}  // namespace memex::install
