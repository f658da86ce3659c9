// The `pardner` binary: one executable, subcommands. Parses the command line, calls the ledger,
// prints results. Decides nothing about money. One of the two places that catch exceptions.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "ledger/ledger_files.h"
#include "ledger/rebuild.h"

namespace {

int fail(const pardner::ledger::Error& error) {
  std::fprintf(stderr, "pardner: %s (%s)\n", error.detail.c_str(),
               std::string(pardner::ledger::wire_name(error.code)).c_str());
  return 1;
}

int run_init(const std::string& data_dir, const pardner::ledger::Settings& settings) {
  auto done = pardner::ledger::init_ledger(data_dir, settings);
  if (!done) return fail(done.error());
  std::printf("created ledger %s (%s) in %s\n", settings.name.c_str(), settings.currency.c_str(),
              data_dir.c_str());
  return 0;
}

int run_rebuild(const std::string& data_dir) {
  auto opened = pardner::ledger::open_ledger(data_dir);
  if (!opened) return fail(opened.error());
  auto report = pardner::ledger::rebuild(pardner::ledger::database_path(data_dir));
  if (!report) return fail(report.error());
  for (const auto& difference : report.value().differences) {
    std::printf("difference: %s\n", difference.c_str());
  }
  std::printf("replayed %lld entries: %s\n", static_cast<long long>(report.value().entries),
              report.value().differences.empty() ? "stored state matches the log"
                                                 : "STORED STATE DIFFERS FROM THE LOG");
  return report.value().differences.empty() ? 0 : 2;
}

int run(int argc, char** argv) {
  CLI::App app{"Pardner: a community-finance ledger with a signed, verifiable log"};
  app.require_subcommand(1);

  std::string data_dir;
  pardner::ledger::Settings settings;
  auto* init = app.add_subcommand("init", "Create a new ledger in a directory");
  init->add_option("--data", data_dir, "Directory for the ledger")->required();
  init->add_option("--currency", settings.currency, "Default ISO 4217 currency")
      ->capture_default_str();
  init->add_option("--name", settings.name, "Ledger name")->capture_default_str();
  init->add_option("--value-date-days", settings.value_date_past_days,
                   "How many days back a value date may be")
      ->capture_default_str();

  auto* rebuild = app.add_subcommand(
      "rebuild", "Replay the log and compare every derived table with the stored one");
  rebuild->add_option("--data", data_dir, "Ledger directory")->required();

  CLI11_PARSE(app, argc, argv);
  if (init->parsed()) return run_init(data_dir, settings);
  if (rebuild->parsed()) return run_rebuild(data_dir);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pardner: unexpected error: %s\n", e.what());
    return 70;
  }
}
