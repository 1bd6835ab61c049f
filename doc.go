// Package voc holds the domain types shared by every stage of voc: the
// conversations collected from support tools, the accounts behind them, the
// items (asks) the classifier finds, the topics the prioritizer ranks, and the
// product strategy that says what is in and out of scope.
//
// The package imports nothing else from this module, so every stage can
// depend on it without cycles.
package voc
