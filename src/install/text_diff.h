// A unified-style diff of two texts, for `memex install --dry-run`.
#pragma once

#include <string>
#include <string_view>

namespace memex::install {

// "--- <before_label>\n+++ <after_label>\n@@ -a,b +c,d @@\n" hunks with `context` lines around
// each change; "" when the texts are equal. A missing file is passed as "".
std::string UnifiedDiff(std::string_view before, std::string_view after,
                        std::string_view before_label, std::string_view after_label,
                        int context = 3);

}  // namespace memex::install
