// SPDX-License-Identifier: Apache-2.0
#include "identify/rules.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "identify/taxonomy.hpp"

namespace warden::identify {
namespace {

using ::testing::HasSubstr;

TEST(RuleSet, BuiltinRulesParse) {
  // Re-parse the embedded text to see the error, if there is one.
  auto parsed = RuleSet::parse(builtin_rules_text(), "builtin");
  ASSERT_TRUE(parsed) << parsed.error().text();
  EXPECT_GT(parsed->rules().size(), 150U);
  // The binary loads the build-time JSON rendering of the YAML: it must be the same rule set.
  const RuleSet& builtin = RuleSet::builtin();
  ASSERT_EQ(parsed->rules().size(), builtin.rules().size());
  for (std::size_t index = 0; index < builtin.rules().size(); ++index) {
    const Rule& yaml = parsed->rules()[index];
    const Rule& json = builtin.rules()[index];
    EXPECT_EQ(json.id, yaml.id);
    EXPECT_EQ(json.says, yaml.says) << yaml.id;
    EXPECT_EQ(json.sets, yaml.sets) << yaml.id;
    EXPECT_EQ(json.confidence, yaml.confidence) << yaml.id;
    ASSERT_EQ(json.when.size(), yaml.when.size()) << yaml.id;
    for (std::size_t at = 0; at < yaml.when.size(); ++at) {
      EXPECT_EQ(json.when[at].attr_name, yaml.when[at].attr_name) << yaml.id;
      EXPECT_EQ(json.when[at].attr, yaml.when[at].attr) << yaml.id;
      EXPECT_EQ(json.when[at].kind, yaml.when[at].kind) << yaml.id;
      EXPECT_EQ(json.when[at].pattern, yaml.when[at].pattern) << yaml.id;
      EXPECT_EQ(json.when[at].regex.pattern(), yaml.when[at].regex.pattern()) << yaml.id;
    }
  }
  EXPECT_EQ(builtin.chip_vendors(), parsed->chip_vendors());
  EXPECT_TRUE(RuleSet::builtin().is_chip_vendor("Espressif Inc."));
  EXPECT_FALSE(RuleSet::builtin().is_chip_vendor("Hangzhou Hikvision Digital Technology Co.,Ltd."));
}

TEST(RuleSet, JsonRenderingErrorsAreReported) {
  auto broken = RuleSet::parse_json("{\"rules\": [", "broken.json");
  ASSERT_FALSE(broken);
  EXPECT_THAT(broken.error().text(), HasSubstr("broken.json"));
  auto wrong = RuleSet::parse_json(R"({"rules": [{"id": "x"}]})", "wrong.json");
  ASSERT_FALSE(wrong);
  EXPECT_THAT(wrong.error().text(), HasSubstr("wrong.json"));
}

TEST(RuleSet, EveryTaxonomyTypeIsReachableByABuiltinRule) {
  std::set<std::string> reached;
  for (const Rule& rule : RuleSet::builtin().rules()) {
    for (const auto& [field, value] : rule.sets) {
      if (field == "type") {
        reached.insert(value);
      }
    }
  }
  for (const DeviceType& type : device_types()) {
    if (type.id != "unknown") {
      EXPECT_TRUE(reached.contains(std::string(type.id))) << type.id;
    }
  }
}

TEST(RuleSet, ErrorsNameTheLineAndField) {
  const auto bad_type = RuleSet::parse(R"(version: 1
rules:
  - id: a
    says: something
    when: {http.server: '^x'}
    then: {type: camera}
    confidence: 0.5
)",
                                       "user.yaml");
  ASSERT_FALSE(bad_type);
  EXPECT_EQ(bad_type.error().line, 6);
  EXPECT_EQ(bad_type.error().field, "rules[0].then.type");
  EXPECT_THAT(bad_type.error().text(),
              HasSubstr("user.yaml:6: rules[0].then.type: unknown device type 'camera'"));

  const auto bad_attr = RuleSet::parse(
      "rules:\n  - {id: a, says: s, when: {http.servr: x}, then: {vendor: V}, confidence: 0.5}\n",
      "u.yaml");
  ASSERT_FALSE(bad_attr);
  EXPECT_EQ(bad_attr.error().field, "rules[0].when.http.servr");
  EXPECT_THAT(bad_attr.error().message, HasSubstr("unknown attribute"));

  const auto bad_regex = RuleSet::parse(
      "rules:\n  - {id: a, says: s, when: {http.server: '(x'}, then: {vendor: V}, confidence: "
      "0.5}\n",
      "u.yaml");
  ASSERT_FALSE(bad_regex);
  EXPECT_THAT(bad_regex.error().message, HasSubstr("bad regex"));

  const auto too_sure = RuleSet::parse(
      "rules:\n  - {id: a, says: s, when: {oui: x}, then: {vendor: V}, confidence: 1.0}\n",
      "u.yaml");
  ASSERT_FALSE(too_sure);
  EXPECT_EQ(too_sure.error().field, "rules[0].confidence");

  const auto duplicate = RuleSet::parse(
      "rules:\n"
      "  - {id: a, says: s, when: {oui: x}, then: {vendor: V}, confidence: 0.5}\n"
      "  - {id: a, says: s, when: {oui: y}, then: {vendor: W}, confidence: 0.5}\n",
      "u.yaml");
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().line, 3);
  EXPECT_THAT(duplicate.error().message, HasSubstr("duplicate rule id 'a' (first at line 2)"));

  const auto syntax = RuleSet::parse("rules: [\n  - {id: a\n", "u.yaml");
  ASSERT_FALSE(syntax);
  EXPECT_GT(syntax.error().line, 0);

  const auto unknown_key = RuleSet::parse(
      "rules:\n  - {id: a, says: s, when: {oui: x}, then: {vendor: V}, confidence: 0.5, weight: "
      "2}\n",
      "u.yaml");
  ASSERT_FALSE(unknown_key);
  EXPECT_EQ(unknown_key.error().field, "rules[0].weight");
}

TEST(RuleSet, UserRulesReplaceBuiltinRulesWithTheSameId) {
  RuleSet set = RuleSet::builtin();
  const std::size_t before = set.rules().size();
  auto user = RuleSet::parse(
      "rules:\n"
      "  - {id: http-hikvision, says: corrected, when: {http.server: '^App-webs/'}, then: {vendor: "
      "Hikvision, type: nvr_dvr}, confidence: 0.8}\n"
      "  - {id: site-badge-reader, says: our badge readers, when: {hostname: '^badge-'}, then: "
      "{type: sensor}, confidence: 0.9}\n",
      "site.yaml");
  ASSERT_TRUE(user) << user.error().text();
  set.merge(std::move(*user));
  EXPECT_EQ(set.rules().size(), before + 1);
  for (const Rule& rule : set.rules()) {
    if (rule.id == "http-hikvision") {
      EXPECT_EQ(rule.says, "corrected");
    }
  }
}

TEST(RuleSet, MissingFileIsAnError) {
  const auto missing = RuleSet::load_file("/nonexistent/rules.yaml");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().text(), HasSubstr("/nonexistent/rules.yaml: cannot read"));
}

}  // namespace
}  // namespace warden::identify
