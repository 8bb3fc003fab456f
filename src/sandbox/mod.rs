//! A local two-region AWS estate on moto_server, a real AWS emulator.
