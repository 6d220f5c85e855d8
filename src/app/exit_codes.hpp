// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace warden::app {

// Process exit codes (docs/cli.md). Where several apply, the highest wins.
inline constexpr int kExitOk = 0;
/// An unexpected internal error (a bug: please report it).
inline constexpr int kExitInternal = 1;
/// Bad command line or option values.
inline constexpr int kExitUsage = 2;
/// A capture was cut short or corrupt; the packets before the break were analyzed.
inline constexpr int kExitTruncated = 3;
/// An input is missing, not a capture, or of an unsupported link type.
inline constexpr int kExitBadInput = 4;
/// `warden device` found no such device.
inline constexpr int kExitNotFound = 5;
/// The interface could not be opened or capture failed.
inline constexpr int kExitLiveError = 6;
/// The database could not be opened, migrated or written.
inline constexpr int kExitDatabase = 7;

}  // namespace warden::app
