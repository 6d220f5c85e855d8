// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

#include "protocols/observation.hpp"

namespace warden::testutil {

/// An ObservationSink that discards everything, for benchmarks of the parsing work alone.
class NullSink final : public proto::ObservationSink {
 public:
  void observe(const proto::Observation& /*observation*/) override {}
  void anomaly(std::string_view /*name*/) override {}
};

}  // namespace warden::testutil
