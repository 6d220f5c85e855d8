// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace warden::app {

/// Process exit codes (docs/cli.md). Where several apply, the highest wins.
enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 2,      ///< bad command line or option values
  kExitTruncated = 3,  ///< a capture was cut short or corrupt; data up to the break was used
  kExitBadInput = 4,   ///< an input is missing, not a capture, or of an unsupported link type
  kExitNotFound = 5,   ///< `warden device` found no such device
  kExitLiveError = 6,  ///< the interface could not be opened or failed
  kExitDatabase = 7,   ///< the database could not be opened, migrated or written
};

}  // namespace warden::app
