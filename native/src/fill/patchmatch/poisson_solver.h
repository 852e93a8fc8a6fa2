#pragma once

#include <cstdint>
#include <vector>

#include "runtime/compute_pool.h"
#include "runtime/progress.h"

namespace outpaint::patchmatch {

// A screened Poisson problem on a pixel grid with `channels` values per pixel: find x on the
// unknown pixels minimising
//   sum over edges (p, q) of w(p, q) (x(q) - x(p) - g(p, q))^2 + λ sum over unknown p of x(p)^2,
// where an edge joins 4-neighbours of which at least one is unknown and neither is absent; fixed
// pixels keep their value (Dirichlet); w is 1 between unknown pixels and `fixed_stiffness` on
// edges to fixed ones. The canvas edge and absent pixels are free (Neumann).
struct PoissonProblem {
  enum State : uint8_t { kAbsent = 0, kFixed = 1, kUnknown = 2 };

  int width = 0;
  int height = 0;
  int channels = 0;
  std::vector<uint8_t> state;  // per pixel
  std::vector<float> fixed;    // per pixel and channel: the value of fixed pixels
  // Guidance g per pixel and channel for the edge to the right neighbour and to the one below
  // (zero where the edge does not exist).
  std::vector<float> right;
  std::vector<float> down;
  float fixed_stiffness = 1.0f;
  float screening = 0.0f;

  PoissonProblem(int w, int h, int c);
  size_t Index(int x, int y) const { return static_cast<size_t>(y) * width + x; }
};

// Solves the problem with full multigrid (the problem solved on the coarsest grid, each finer one
// starting from the solution below it), then `cycles` - 1 more V-cycles (cell-centred: a coarse
// cell is fixed when any of its 2x2 children is, so every coarse grid keeps a boundary and its
// problem stays well posed, else unknown when any child is; the coarse-grid correction uses the rediscretised Laplacian,
// average restriction and bilinear prolongation; red-black Gauss-Seidel smoothing on the compute
// pool). Returns x per pixel and channel: the solution on unknown pixels, the fixed values on
// fixed ones, zero on absent ones. The problem is taken whole so that its guidance is freed once
// it is folded into the right-hand side, before the grids are made (17 MB of a 1024 px fill).
std::vector<float> SolvePoisson(PoissonProblem problem, int cycles, ComputePool& pool, const ProgressSink& sink);

}  // namespace outpaint::patchmatch
