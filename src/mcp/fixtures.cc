#include "mcp/fixtures.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <initializer_list>
#include <string_view>
#include <thread>
#include <utility>

#include "mcp/emitter.h"

namespace memex::mcp {
namespace {

// A 1x1 red PNG and a 44-byte silent PCM WAV (header only), base64.
constexpr const char* kPng =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg"
    "==";
constexpr const char* kWav = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=";
// "Hello, binary!" in base64.
constexpr const char* kBlob = "SGVsbG8sIGJpbmFyeSE=";

constexpr const char* kTemplatePrefix = "test://template/";
constexpr const char* kTemplateSuffix = "/data";

Json NoArgs() { return Json{{"type", "object"}, {"properties", Json::object()}}; }

Json Tool(const char* name, const char* description, Json schema = NoArgs()) {
  return Json{{"name", name}, {"description", description}, {"inputSchema", std::move(schema)}};
}

Json Text(const std::string& text) { return Json{{"type", "text"}, {"text", text}}; }
Json Image() { return Json{{"type", "image"}, {"data", kPng}, {"mimeType", "image/png"}}; }
Json EmbeddedResource(const std::string& uri, const std::string& text) {
  return Json{{"type", "resource"},
              {"resource", {{"uri", uri}, {"mimeType", "text/plain"}, {"text", text}}}};
}
Json Content(Json items) { return Json{{"content", std::move(items)}}; }

RpcError NotFound(std::string message) {
  return RpcError{kInvalidParams, std::move(message), nullptr, nullptr};
}

Json UserMessage(Json content) { return Json{{"role", "user"}, {"content", std::move(content)}}; }

Json ErrorResult(const std::string& text) {
  return Json{{"content", Json::array({Text(text)})}, {"isError", true}};
}

// The scenarios' "Implementation Note": the pauses let a client see the notifications arrive
// one by one while the call is still running.
void Pause() { std::this_thread::sleep_for(std::chrono::milliseconds(50)); }

Json StringArg(const char* name, const char* description) {
  return Json{{"type", "object"},
              {"properties", {{name, {{"type", "string"}, {"description", description}}}}},
              {"required", Json::array({name})}};
}

Json Choices(std::initializer_list<std::pair<const char*, const char*>> items) {
  Json out = Json::array();
  for (const auto& [value, title] : items) out.push_back({{"const", value}, {"title", title}});
  return out;
}

// elicitation/create with `message` and `schema`; the result rendered as the scenarios expect.
Json Elicit(Emitter& emitter, const std::string& message, Json schema, const std::string& label) {
  Result<Json> answer = emitter.Request(
      "elicitation/create", {{"message", message}, {"requestedSchema", std::move(schema)}});
  if (!answer.ok()) return ErrorResult("elicitation failed: " + answer.status().message());
  std::string action = answer->value("action", std::string("unknown"));
  Json content = answer->value("content", Json::object());
  return Content(Json::array({Text(label + "action=" + action + ", content=" + content.dump())}));
}

Json ElicitationDefaultsSchema() {
  return Json{
      {"type", "object"},
      {"properties",
       {{"name", {{"type", "string"}, {"description", "Name"}, {"default", "John Doe"}}},
        {"age", {{"type", "integer"}, {"description", "Age"}, {"default", 30}}},
        {"score", {{"type", "number"}, {"description", "Score"}, {"default", 95.5}}},
        {"status",
         {{"type", "string"},
          {"description", "Status"},
          {"enum", {"active", "inactive", "pending"}},
          {"default", "active"}}},
        {"verified", {{"type", "boolean"}, {"description", "Verified"}, {"default", true}}}}}};
}

Json ElicitationEnumsSchema() {
  Json options = Json::array({"option1", "option2", "option3"});
  return Json{
      {"type", "object"},
      {"properties",
       {{"untitledSingle", {{"type", "string"}, {"enum", options}}},
        {"titledSingle",
         {{"type", "string"},
          {"oneOf", Choices({{"value1", "First Option"},
                             {"value2", "Second Option"},
                             {"value3", "Third Option"}})}}},
        {"legacyEnum",
         {{"type", "string"},
          {"enum", {"opt1", "opt2", "opt3"}},
          {"enumNames", {"Option One", "Option Two", "Option Three"}}}},
        {"untitledMulti", {{"type", "array"}, {"items", {{"type", "string"}, {"enum", options}}}}},
        {"titledMulti",
         {{"type", "array"},
          {"items",
           {{"anyOf", Choices({{"value1", "First Choice"},
                               {"value2", "Second Choice"},
                               {"value3", "Third Choice"}})}}}}}}}};
}

constexpr std::array<std::string_view, 6> kEmittingTools = {"test_tool_with_logging",
                                                            "test_tool_with_progress",
                                                            "test_sampling",
                                                            "test_elicitation",
                                                            "test_elicitation_sep1034_defaults",
                                                            "test_elicitation_sep1330_enums"};

}  // namespace

Json ConformanceFixtures::ListTools() const {
  Json schema_2020 = {
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"type", "object"},
      {"$defs",
       {{"address",
         {{"type", "object"},
          {"properties", {{"street", {{"type", "string"}}}, {"city", {{"type", "string"}}}}}}}}},
      {"properties", {{"name", {{"type", "string"}}}, {"address", {{"$ref", "#/$defs/address"}}}}},
      {"additionalProperties", false}};
  return Json::array({
      Tool("test_simple_text", "Returns a simple text content item."),
      Tool("test_image_content", "Returns a 1x1 PNG image content item."),
      Tool("test_audio_content", "Returns a short WAV audio content item."),
      Tool("test_embedded_resource", "Returns an embedded text resource."),
      Tool("test_multiple_content_types", "Returns text, image and resource content."),
      Tool("test_error_handling", "Always fails with isError: true."),
      Tool("json_schema_2020_12_tool", "Has a JSON Schema 2020-12 input schema.",
           std::move(schema_2020)),
      Tool("test_tool_with_logging", "Sends three info log notifications while it runs."),
      Tool("test_tool_with_progress", "Reports progress 0, 50 and 100 of 100 while it runs."),
      Tool("test_sampling", "Asks the client's LLM to answer a prompt (sampling).",
           StringArg("prompt", "The prompt to send to the LLM")),
      Tool("test_elicitation", "Asks the user for a username and an email (elicitation).",
           StringArg("message", "The message to show the user")),
      Tool("test_elicitation_sep1034_defaults",
           "Elicits a form whose fields all have default values (SEP-1034)."),
      Tool("test_elicitation_sep1330_enums", "Elicits a form with every enum variant (SEP-1330)."),
  });
}

bool ConformanceFixtures::Emits(const std::string& name) const {
  return std::find(kEmittingTools.begin(), kEmittingTools.end(), name) != kEmittingTools.end();
}

std::optional<Json> ConformanceFixtures::CallTool(const std::string& name, const Json& arguments,
                                                  Emitter& emitter) const {
  auto str = [&](const char* key) {
    auto it = arguments.find(key);
    return it != arguments.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (name == "test_tool_with_logging") {
    const char* steps[] = {"Tool execution started", "Tool processing data",
                           "Tool execution completed"};
    for (int i = 0; i < 3; ++i) {
      if (i > 0) Pause();
      Status logged = emitter.Log("info", steps[i], "test_tool_with_logging");
      if (!logged.ok()) return ErrorResult("logging failed: " + logged.message());
    }
    return Content(Json::array({Text("Tool with logging executed successfully")}));
  }
  if (name == "test_tool_with_progress") {
    for (int i = 0; i < 3; ++i) {
      if (i > 0) Pause();
      Status sent = emitter.Progress(50.0 * i, 100.0, "step " + std::to_string(i + 1) + " of 3");
      if (!sent.ok()) return ErrorResult("progress failed: " + sent.message());
    }
    return Content(Json::array({Text("Tool with progress executed successfully")}));
  }
  if (name == "test_sampling") {
    Json params = {
        {"messages", Json::array({{{"role", "user"}, {"content", Text(str("prompt"))}}})},
        {"maxTokens", 100}};
    Result<Json> answer = emitter.Request("sampling/createMessage", std::move(params));
    if (!answer.ok()) return ErrorResult("sampling failed: " + answer.status().message());
    Json content = answer->value("content", Json::object());
    std::string text = content.is_object() ? content.value("text", content.dump()) : content.dump();
    return Content(Json::array({Text("LLM response: " + text)}));
  }
  if (name == "test_elicitation") {
    Json schema = {{"type", "object"},
                   {"properties",
                    {{"username", {{"type", "string"}, {"description", "User's response"}}},
                     {"email", {{"type", "string"}, {"description", "User's email address"}}}}},
                   {"required", Json::array({"username", "email"})}};
    return Elicit(emitter, str("message"), std::move(schema), "User response: ");
  }
  if (name == "test_elicitation_sep1034_defaults") {
    return Elicit(emitter, "Please review and update the form fields with defaults",
                  ElicitationDefaultsSchema(), "Elicitation completed: ");
  }
  if (name == "test_elicitation_sep1330_enums") {
    return Elicit(emitter, "Please select options from the enum fields", ElicitationEnumsSchema(),
                  "Elicitation completed: ");
  }
  if (name == "test_simple_text") {
    return Content(Json::array({Text("This is a simple text response for testing.")}));
  }
  if (name == "test_image_content") return Content(Json::array({Image()}));
  if (name == "test_audio_content") {
    return Content(
        Json::array({Json{{"type", "audio"}, {"data", kWav}, {"mimeType", "audio/wav"}}}));
  }
  if (name == "test_embedded_resource") {
    return Content(Json::array(
        {EmbeddedResource("test://embedded-resource", "This is an embedded resource content.")}));
  }
  if (name == "test_multiple_content_types") {
    return Content(Json::array(
        {Text("Multiple content types test:"), Image(),
         EmbeddedResource("test://mixed-content-resource", "{\"test\":\"data\",\"value\":123}")}));
  }
  if (name == "test_error_handling") {
    return Json{{"content", Json::array({Text("This tool intentionally returns an error for "
                                              "testing")})},
                {"isError", true}};
  }
  if (name == "json_schema_2020_12_tool") {
    return Content(Json::array({Text("received: " + arguments.dump())}));
  }
  return std::nullopt;
}

Json ConformanceFixtures::ListResources() const {
  return Json::array({
      {{"uri", "test://static-text"}, {"name", "Static Text Resource"}, {"mimeType", "text/plain"}},
      {{"uri", "test://static-binary"},
       {"name", "Static Binary Resource"},
       {"mimeType", "application/octet-stream"}},
      {{"uri", "test://watched-resource"},
       {"name", "Watched Resource"},
       {"mimeType", "text/plain"}},
  });
}

Json ConformanceFixtures::ListResourceTemplates() const {
  return Json::array({{{"uriTemplate", "test://template/{id}/data"},
                       {"name", "Template Resource"},
                       {"mimeType", "application/json"}}});
}

Catalog::Reply ConformanceFixtures::ReadResource(const std::string& uri) const {
  auto text = [&](const std::string& mime, const std::string& body) {
    return Json{{"contents", Json::array({{{"uri", uri}, {"mimeType", mime}, {"text", body}}})}};
  };
  if (uri == "test://static-text") {
    return text("text/plain", "This is the content of the static text resource.");
  }
  if (uri == "test://watched-resource") return text("text/plain", "Watched resource content.");
  if (uri == "test://static-binary") {
    return Json{
        {"contents",
         Json::array({{{"uri", uri}, {"mimeType", "application/octet-stream"}, {"blob", kBlob}}})}};
  }
  std::string prefix = kTemplatePrefix, suffix = kTemplateSuffix;
  if (uri.size() > prefix.size() + suffix.size() && uri.starts_with(prefix) &&
      uri.ends_with(suffix)) {
    std::string id = uri.substr(prefix.size(), uri.size() - prefix.size() - suffix.size());
    if (id.find('/') == std::string::npos) {
      Json data = {{"id", id}, {"templateTest", true}, {"data", "Data for ID: " + id}};
      return text("application/json", data.dump());
    }
  }
  return NotFound("resource not found: " + uri);
}

Json ConformanceFixtures::ListPrompts() const {
  auto arg = [](const char* name, const char* description) {
    return Json{{"name", name}, {"description", description}, {"required", true}};
  };
  return Json::array({
      {{"name", "test_simple_prompt"}, {"description", "A prompt without arguments."}},
      {{"name", "test_prompt_with_arguments"},
       {"description", "A prompt with two arguments."},
       {"arguments", Json::array({arg("arg1", "First argument"), arg("arg2", "Second argument")})}},
      {{"name", "test_prompt_with_embedded_resource"},
       {"description", "A prompt embedding a resource."},
       {"arguments", Json::array({arg("resourceUri", "URI of the resource to embed")})}},
      {{"name", "test_prompt_with_image"}, {"description", "A prompt with an image."}},
  });
}

Catalog::Reply ConformanceFixtures::GetPrompt(const std::string& name,
                                              const Json& arguments) const {
  auto str = [&](const char* key) {
    auto it = arguments.find(key);
    return it != arguments.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (name == "test_simple_prompt") {
    return Json{
        {"messages", Json::array({UserMessage(Text("This is a simple prompt for testing."))})}};
  }
  if (name == "test_prompt_with_arguments") {
    std::string text =
        "Prompt with arguments: arg1='" + str("arg1") + "', arg2='" + str("arg2") + "'";
    return Json{{"messages", Json::array({UserMessage(Text(text))})}};
  }
  if (name == "test_prompt_with_embedded_resource") {
    std::string uri = str("resourceUri");
    if (uri.empty()) return NotFound("\"arguments.resourceUri\" must be a string");
    return Json{{"messages", Json::array({UserMessage(EmbeddedResource(uri,
                                                                       "Embedded resource "
                                                                       "content for testing.")),
                                          UserMessage(Text("Please process the embedded resource "
                                                           "above."))})}};
  }
  if (name == "test_prompt_with_image") {
    return Json{{"messages", Json::array({UserMessage(Image()),
                                          UserMessage(Text("Please analyze the image above."))})}};
  }
  return NotFound("prompt not found: " + name);
}

Catalog::Reply ConformanceFixtures::Complete(const Json& params) const {
  (void)params;
  return Json{{"completion", {{"values", Json::array()}, {"total", 0}, {"hasMore", false}}}};
}

}  // namespace memex::mcp
