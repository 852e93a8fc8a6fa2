#include "fill/patchmatch/poisson_solver.h"

#include <algorithm>

#include "fill/patchmatch/masked_image.h"

namespace outpaint::patchmatch {
namespace {

using State = PoissonProblem::State;

constexpr int kRowsPerChunk = 16;
constexpr int kSmoothingSweeps = 2;  // before and after each coarse-grid correction
constexpr int kCoarsestSweeps = 40;
constexpr int kCoarsestSide = 8;

// One grid of the hierarchy: A x = b on its unknown cells, where
//   (A x)(p) = scale sum over present neighbours q of w(p, q) (x(p) - [q unknown] x(q)) + λ x(p).
// The finest grid has scale 1 and carries the fixed values and the guidance in b; a coarser one
// solves for the finer one's error, with scale a quarter of the finer one's (its cells are twice
// as far apart) and zero on its fixed cells.
struct Grid {
  int width = 0;
  int height = 0;
  int channels = 0;
  float scale = 1.0f;
  std::vector<uint8_t> state;
  std::vector<float> x, b;
  std::vector<float> diagonal;  // per cell: scale · (sum of its edges' weights) + λ; 0 off the unknown cells

  Grid(int w, int h, int c, float s)
      : width(w),
        height(h),
        channels(c),
        scale(s),
        state(static_cast<size_t>(w) * h, State::kAbsent),
        x(static_cast<size_t>(w) * h * c, 0.0f),
        b(x.size(), 0.0f) {}
};

// Calls visit(q, w) for each present 4-neighbour q of cell p = (px, py).
template <typename Visit>
inline void ForEachNeighbour(const Grid& grid, int px, int py, float fixed_stiffness, Visit visit) {
  const size_t p = static_cast<size_t>(py) * grid.width + px;
  const auto consider = [&](size_t q) {
    const uint8_t s = grid.state[q];
    if (s != State::kAbsent) visit(q, s == State::kUnknown ? 1.0f : fixed_stiffness);
  };
  if (px > 0) consider(p - 1);
  if (px + 1 < grid.width) consider(p + 1);
  if (py > 0) consider(p - static_cast<size_t>(grid.width));
  if (py + 1 < grid.height) consider(p + static_cast<size_t>(grid.width));
}

// The grid's scale times the sum of x over the present 4-neighbours of unknown cell p = (px, py),
// channel k. x is zero on every cell that is not unknown (fixed values are in b), so the sum can
// take all four present ones alike.
inline float Neighbours(const Grid& grid, size_t p, int px, int py, int k) {
  const int c = grid.channels;
  const size_t stride = static_cast<size_t>(grid.width) * c;
  const float* x = grid.x.data() + p * c + k;
  float sum = 0.0f;
  if (px > 0) sum += x[-c];
  if (px + 1 < grid.width) sum += x[c];
  if (py > 0) sum += *(x - stride);
  if (py + 1 < grid.height) sum += x[stride];
  return grid.scale * sum;
}

// The Gauss-Seidel update of x at unknown cell (px, py).
inline void Relax(Grid& grid, int px, int py) {
  const size_t p = static_cast<size_t>(py) * grid.width + px;
  const int c = grid.channels;
  for (int k = 0; k < c; ++k) grid.x[p * c + k] = (grid.b[p * c + k] + Neighbours(grid, p, px, py, k)) / grid.diagonal[p];
}

// The residual b - A x at unknown cell (px, py), channel k.
inline float Residual(const Grid& grid, int px, int py, int k) {
  const size_t p = static_cast<size_t>(py) * grid.width + px;
  const size_t at = p * grid.channels + k;
  return grid.b[at] - (grid.diagonal[p] * grid.x[at] - Neighbours(grid, p, px, py, k));
}

// Each unknown cell's diagonal: its present neighbours' weights (1, or `fixed_stiffness` for a
// fixed one), times the grid's scale, plus λ.
void Diagonals(Grid& grid, float fixed_stiffness, float screening) {
  grid.diagonal.assign(grid.state.size(), 0.0f);
  for (int y = 0; y < grid.height; ++y) {
    for (int x = 0; x < grid.width; ++x) {
      const size_t p = static_cast<size_t>(y) * grid.width + x;
      if (grid.state[p] != State::kUnknown) continue;
      float weight = 0.0f;
      ForEachNeighbour(grid, x, y, fixed_stiffness, [&](size_t, float w) { weight += w; });
      grid.diagonal[p] = grid.scale * weight + screening;
    }
  }
}

void Smooth(Grid& grid, int sweeps, ComputePool& pool, const ProgressSink& sink) {
  for (int sweep = 0; sweep < sweeps; ++sweep) {
    for (int colour = 0; colour < 2; ++colour) {  // red-black: each colour's updates are independent
      pool.ParallelFor(grid.height, kRowsPerChunk, [&](int begin, int end) {
        if (sink.IsCancelled()) throw CancelledError();
        for (int y = begin; y < end; ++y) {
          for (int x = (y + colour) % 2; x < grid.width; x += 2) {
            if (grid.state[static_cast<size_t>(y) * grid.width + x] == State::kUnknown) Relax(grid, x, y);
          }
        }
      });
    }
  }
}

Grid Coarser(const Grid& fine) {
  Grid coarse((fine.width + 1) / 2, (fine.height + 1) / 2, fine.channels, fine.scale / 4.0f);
  for (int y = 0; y < fine.height; ++y) {
    for (int x = 0; x < fine.width; ++x) {
      uint8_t& s = coarse.state[static_cast<size_t>(y / 2) * coarse.width + x / 2];
      const uint8_t child = fine.state[static_cast<size_t>(y) * fine.width + x];
      if (s != State::kFixed && child != State::kAbsent) s = child;
    }
  }
  return coarse;
}

// The coarse grid's b: the average over its unknown children of value(x, y, k), their residual in a
// V-cycle (computed here rather than stored: a full-size array less) or their b in the full-
// multigrid start; and its x zero. Coarse rows take distinct fine rows, so they run in parallel.
template <typename Value>
void Restrict(const Grid& fine, Grid& coarse, ComputePool& pool, Value value) {
  const int c = fine.channels;
  pool.ParallelFor(coarse.height, kRowsPerChunk, [&](int begin, int end) {
    const size_t row = static_cast<size_t>(coarse.width) * c;
    std::fill(coarse.b.begin() + static_cast<std::ptrdiff_t>(begin * row), coarse.b.begin() + static_cast<std::ptrdiff_t>(end * row), 0.0f);
    std::fill(coarse.x.begin() + static_cast<std::ptrdiff_t>(begin * row), coarse.x.begin() + static_cast<std::ptrdiff_t>(end * row), 0.0f);
    for (int y = 2 * begin; y < std::min(2 * end, fine.height); ++y) {
      for (int x = 0; x < fine.width; ++x) {
        const size_t p = static_cast<size_t>(y) * fine.width + x;
        if (fine.state[p] != State::kUnknown) continue;
        const size_t o = static_cast<size_t>(y / 2) * coarse.width + x / 2;
        for (int k = 0; k < c; ++k) coarse.b[o * c + k] += 0.25f * value(x, y, k);
      }
    }
  });
}

// Adds the coarse grid's x, interpolated bilinearly between cell centres, to the fine grid's
// unknown cells; a neighbour cell that is fixed counts as zero, one that is absent or off the
// grid as the cell itself.
void Prolong(const Grid& coarse, Grid& fine, ComputePool& pool) {
  const int c = fine.channels;
  pool.ParallelFor(fine.height, kRowsPerChunk, [&](int begin, int end) {
    for (int y = begin; y < end; ++y) {
      const int cy = y / 2, ny = y % 2 == 0 ? cy - 1 : cy + 1;
      for (int x = 0; x < fine.width; ++x) {
        const size_t p = static_cast<size_t>(y) * fine.width + x;
        if (fine.state[p] != State::kUnknown) continue;
        const int cx = x / 2, nx = x % 2 == 0 ? cx - 1 : cx + 1;
        const size_t centre = static_cast<size_t>(cy) * coarse.width + cx;
        const auto value = [&](int qx, int qy, int k) {
          if (qx < 0 || qy < 0 || qx >= coarse.width || qy >= coarse.height) return coarse.x[centre * c + k];
          const size_t q = static_cast<size_t>(qy) * coarse.width + qx;
          if (coarse.state[q] == State::kFixed) return 0.0f;
          return coarse.state[q] == State::kAbsent ? coarse.x[centre * c + k] : coarse.x[q * c + k];
        };
        for (int k = 0; k < c; ++k) {
          fine.x[p * c + k] += (9.0f * coarse.x[centre * c + k] + 3.0f * value(nx, cy, k) + 3.0f * value(cx, ny, k) + value(nx, ny, k)) / 16.0f;
        }
      }
    }
  });
}

void VCycle(std::vector<Grid>& grids, size_t level, ComputePool& pool, const ProgressSink& sink) {
  Grid& grid = grids[level];
  if (level + 1 == grids.size()) {
    Smooth(grid, kCoarsestSweeps, pool, sink);
    return;
  }
  Smooth(grid, kSmoothingSweeps, pool, sink);
  Restrict(grid, grids[level + 1], pool, [&](int x, int y, int k) { return Residual(grid, x, y, k); });
  VCycle(grids, level + 1, pool, sink);
  Prolong(grids[level + 1], grid, pool);
  Smooth(grid, kSmoothingSweeps, pool, sink);
}

}  // namespace

PoissonProblem::PoissonProblem(int w, int h, int c)
    : width(w),
      height(h),
      channels(c),
      state(static_cast<size_t>(w) * h, kAbsent),
      fixed(static_cast<size_t>(w) * h * c, 0.0f),
      right(fixed.size(), 0.0f),
      down(fixed.size(), 0.0f) {}

std::vector<float> SolvePoisson(PoissonProblem problem, int cycles, ComputePool& pool, const ProgressSink& sink) {
  const int w = problem.width, h = problem.height, c = problem.channels;
  std::vector<Grid> grids;
  grids.emplace_back(w, h, c, 1.0f);
  grids.front().state = problem.state;
  // b(p) = sum over neighbours q of w (fixed(q) where q is fixed) - w g(p, q), with g(p, q) =
  // -g(q, p): the stationarity condition of the energy at p, the unknown neighbours on the left.
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const size_t p = problem.Index(x, y);
      if (problem.state[p] != State::kUnknown) continue;
      float* b = &grids.front().b[p * c];
      const auto edge = [&](size_t q, const float* g, float sign) {
        if (problem.state[q] == State::kAbsent) return;
        const bool fixed = problem.state[q] == State::kFixed;
        const float weight = fixed ? problem.fixed_stiffness : 1.0f;
        for (int k = 0; k < c; ++k) b[k] += weight * ((fixed ? problem.fixed[q * c + k] : 0.0f) - sign * g[k]);
      };
      if (x + 1 < w) edge(p + 1, &problem.right[p * c], 1.0f);
      if (x > 0) edge(p - 1, &problem.right[(p - 1) * c], -1.0f);
      if (y + 1 < h) edge(p + static_cast<size_t>(w), &problem.down[p * c], 1.0f);
      if (y > 0) edge(p - static_cast<size_t>(w), &problem.down[(p - static_cast<size_t>(w)) * c], -1.0f);
    }
  }
  std::vector<float>().swap(problem.right);
  std::vector<float>().swap(problem.down);
  while (std::min(grids.back().width, grids.back().height) > kCoarsestSide) grids.push_back(Coarser(grids.back()));
  for (Grid& grid : grids) Diagonals(grid, problem.fixed_stiffness, problem.screening);
  // Full multigrid: the problem restricted to every grid and solved on the coarsest, then each
  // finer grid starts from the coarser one's solution, interpolated, and takes one V-cycle; the
  // remaining cycles run on the finest grid.
  for (size_t level = 1; level < grids.size(); ++level) {
    const Grid& fine = grids[level - 1];
    Restrict(fine, grids[level], pool, [&](int x, int y, int k) { return fine.b[(static_cast<size_t>(y) * fine.width + x) * fine.channels + k]; });
  }
  Smooth(grids.back(), kCoarsestSweeps, pool, sink);
  for (size_t level = grids.size() - 1; level-- > 0;) {
    Prolong(grids[level + 1], grids[level], pool);
    VCycle(grids, level, pool, sink);
  }
  for (int cycle = 1; cycle < cycles; ++cycle) VCycle(grids, 0, pool, sink);

  std::vector<float> solution = std::move(grids.front().x);
  for (size_t p = 0; p < problem.state.size(); ++p) {
    if (problem.state[p] == State::kFixed) std::copy_n(&problem.fixed[p * c], c, &solution[p * c]);
  }
  return solution;
}

}  // namespace outpaint::patchmatch
