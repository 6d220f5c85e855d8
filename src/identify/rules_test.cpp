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
  EXPECT_EQ(parsed->rules().size(), RuleSet::builtin().rules().size());
  EXPECT_TRUE(RuleSet::builtin().is_chip_vendor("Espressif Inc."));
  EXPECT_FALSE(RuleSet::builtin().is_chip_vendor("Hangzhou Hikvision Digital Technology Co.,Ltd."));
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
