// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "protocols/observation.hpp"

namespace warden::testutil {

/// An ObservationSink that copies everything it is told, for assertions in tests.
class RecordingSink : public proto::ObservationSink {
 public:
  struct Record {
    proto::Subject subject;
    proto::Attr attr;
    std::string value;
    std::string protocol;
  };

  void observe(const proto::Observation& observation) override {
    records.push_back({observation.subject, observation.attr, std::string(observation.value),
                       std::string(observation.protocol)});
  }
  void anomaly(std::string_view name) override { anomalies.emplace_back(name); }

  /// Values reported for `attr`, in order.
  [[nodiscard]] std::vector<std::string> values(proto::Attr attr) const {
    std::vector<std::string> out;
    for (const auto& record : records) {
      if (record.attr == attr) {
        out.push_back(record.value);
      }
    }
    return out;
  }
  [[nodiscard]] bool has(proto::Attr attr, std::string_view value) const {
    return std::any_of(records.begin(), records.end(), [&](const Record& record) {
      return record.attr == attr && record.value == value;
    });
  }

  /// Whether some record says `value` for `attr` about `who`, reported under `protocol`.
  [[nodiscard]] bool has(proto::Who who, proto::Attr attr, std::string_view value,
                         std::string_view protocol) const {
    return std::any_of(records.begin(), records.end(), [&](const Record& record) {
      return record.subject.who == who && record.attr == attr && record.value == value &&
             record.protocol == protocol;
    });
  }

  std::vector<Record> records;
  std::vector<std::string> anomalies;
};

}  // namespace warden::testutil
