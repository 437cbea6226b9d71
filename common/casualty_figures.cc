#include "common/casualty_figures.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace corridor {
namespace {

// The count a figure's group names: "" is the total.
const v1::CasualtyCount* GroupOf(const v1::Casualties& c, absl::string_view group) {
  if (group.empty()) return &c.total();
  if (group == "civilians") return &c.civilians();
  if (group == "children") return &c.children();
  if (group == "aid_workers") return &c.aid_workers();
  if (group == "medical_workers") return &c.medical_workers();
  return nullptr;
}

v1::CasualtyCount* MutableGroupOf(v1::Casualties* c, absl::string_view group) {
  if (group.empty()) return c->mutable_total();
  if (group == "civilians") return c->mutable_civilians();
  if (group == "children") return c->mutable_children();
  if (group == "aid_workers") return c->mutable_aid_workers();
  if (group == "medical_workers") return c->mutable_medical_workers();
  return nullptr;
}

// "children_killed" -> ("children", killed); "injured" -> ("", injured).
bool Split(absl::string_view name, absl::string_view* group, bool* killed) {
  for (const char* what : {"killed", "injured"}) {
    if (name == what) {
      *group = "";
      *killed = absl::string_view(what) == "killed";
      return true;
    }
    const std::string suffix = absl::StrCat("_", what);
    if (absl::EndsWith(name, suffix)) {
      *group = absl::StripSuffix(name, suffix);
      *killed = absl::string_view(what) == "killed";
      return true;
    }
  }
  return false;
}

}  // namespace

const std::vector<std::string>& CasualtyFigureNames() {
  static const auto* names = new std::vector<std::string>{"killed",
                                                          "injured",
                                                          "civilians_killed",
                                                          "civilians_injured",
                                                          "children_killed",
                                                          "children_injured",
                                                          "aid_workers_killed",
                                                          "aid_workers_injured",
                                                          "medical_workers_killed",
                                                          "medical_workers_injured"};
  return *names;
}

bool FigureOf(const v1::Casualties& casualties, absl::string_view name, int64_t* value) {
  absl::string_view group;
  bool killed = false;
  if (!Split(name, &group, &killed)) return false;
  const v1::CasualtyCount* count = GroupOf(casualties, group);
  if (count == nullptr || !(killed ? count->has_killed() : count->has_injured())) return false;
  *value = killed ? count->killed() : count->injured();
  return true;
}

std::vector<std::pair<std::string, int64_t>> StatedFigures(const v1::Casualties& casualties) {
  std::vector<std::pair<std::string, int64_t>> stated;
  for (const std::string& name : CasualtyFigureNames()) {
    int64_t value = 0;
    if (FigureOf(casualties, name, &value)) stated.emplace_back(name, value);
  }
  return stated;
}

bool SetFigure(absl::string_view name, int64_t value, v1::Casualties* casualties) {
  absl::string_view group;
  bool killed = false;
  if (!Split(name, &group, &killed)) return false;
  v1::CasualtyCount* count = MutableGroupOf(casualties, group);
  if (count == nullptr) return false;
  killed ? count->set_killed(value) : count->set_injured(value);
  return true;
}

bool ClearFigure(absl::string_view name, v1::Casualties* casualties) {
  absl::string_view group;
  bool killed = false;
  if (!Split(name, &group, &killed)) return false;
  v1::CasualtyCount* count = MutableGroupOf(casualties, group);
  if (count == nullptr) return false;
  killed ? count->clear_killed() : count->clear_injured();
  return true;
}

}  // namespace corridor
