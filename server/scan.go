package server

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"go.lsp.dev/protocol"
	"go.uber.org/zap"
)

// The workspace scan finds the .blazes files of the workspace folders. It
// runs in the background once the client is initialized (so that
// initialize answers at once, whatever the folder: a client started from
// "/" must not wait for the whole file system), reports its progress with
// $/progress when the client supports window.workDoneProgress, and is
// bounded: it skips hidden, vendor and node_modules folders, goes no
// deeper than MaxScanDepth folders below a workspace folder, reads at most
// MaxWorkspaceFiles files and looks at no more than MaxScanEntries
// directory entries.

// scanLimits bound one scan.
type scanLimits struct {
	files, depth, entries int
}

// skipDir reports whether the scan leaves out a folder of this name.
func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor"
}

// walkFolders lists the .blazes files under folders within lim, calling
// progress now and then with the number of files found so far. stopped
// says which limit ended the walk early ("" when none did).
func walkFolders(folders []string, lim scanLimits, progress func(found int)) (found []string, stopped string) {
	entries := 0
	for _, dir := range folders {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // an unreadable folder is left out; the walk goes on
			}
			entries++
			if entries > lim.entries {
				stopped = fmt.Sprintf("looked at %d entries", lim.entries)
				return filepath.SkipAll
			}
			if entries%1024 == 0 {
				progress(len(found))
			}
			if d.IsDir() {
				if p == dir {
					return nil
				}
				if skipDir(d.Name()) {
					return filepath.SkipDir
				}
				if rel, err := filepath.Rel(dir, p); err == nil && strings.Count(rel, string(filepath.Separator))+1 > lim.depth {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(p, ".blazes") && d.Type().IsRegular() {
				if len(found) >= lim.files {
					stopped = fmt.Sprintf("found %d files", lim.files)
					return filepath.SkipAll
				}
				found = append(found, p)
			}
			return nil
		})
		if err != nil || stopped != "" {
			break
		}
	}
	return found, stopped
}

// scanWorkspace scans folders in the background of the caller, with
// progress reports when the client supports them; done is closed when the
// files found are part of the workspace.
func (s *Server) scanWorkspace(folders []string, done chan struct{}) {
	go func() {
		defer close(done)
		s.mu.Lock()
		withProgress := s.caps.workDoneProgress
		parent := s.runCtx
		s.mu.Unlock()
		if parent == nil {
			parent = context.Background()
		}
		var token protocol.ProgressToken
		if withProgress {
			token = *protocol.NewProgressToken(fmt.Sprintf("blazes-scan-%d", scanTokens.Add(1)))
			ctx, cancel := context.WithTimeout(parent, s.cfg.RequestWait)
			_, err := s.conn.Call(ctx, "window/workDoneProgress/create", protocol.WorkDoneProgressCreateParams{Token: token}, nil)
			cancel()
			if err != nil {
				s.log.Debug("no progress for the workspace scan", zap.Error(err))
				withProgress = false
			}
		}
		if withProgress {
			s.notify("$/progress", protocol.ProgressParams{Token: token, Value: protocol.WorkDoneProgressBegin{
				Kind: protocol.WorkDoneProgressKindBegin, Title: "Blazes: scanning the workspace", Message: strings.Join(folders, ", "),
			}})
		}
		last := time.Now()
		lim := scanLimits{files: s.cfg.MaxWorkspaceFiles, depth: s.cfg.MaxScanDepth, entries: s.cfg.MaxScanEntries}
		found, stopped := walkFolders(folders, lim, func(n int) {
			if withProgress && time.Since(last) > 200*time.Millisecond {
				last = time.Now()
				s.notify("$/progress", protocol.ProgressParams{Token: token, Value: protocol.WorkDoneProgressReport{
					Kind: protocol.WorkDoneProgressKindReport, Message: fmt.Sprintf("%d files found", n),
				}})
			}
		})
		s.ws.addScanned(found)
		msg := fmt.Sprintf("%d files found", len(found))
		if stopped != "" {
			msg += "; stopped early: " + stopped
			s.log.Warn("workspace scan stopped early", zap.Strings("folders", folders), zap.String("limit", stopped))
		}
		s.log.Info("workspace scanned", zap.Strings("folders", folders), zap.Int("files", len(found)))
		if withProgress {
			s.notify("$/progress", protocol.ProgressParams{Token: token, Value: protocol.WorkDoneProgressEnd{
				Kind: protocol.WorkDoneProgressKindEnd, Message: msg,
			}})
		}
	}()
}

// scanTokens numbers the progress tokens of scans.
var scanTokens atomic.Int64

// addScanned makes the files a scan found part of the workspace (files it
// knows already, such as open documents, keep their text), recomputes the
// roots, analyses those the scan made or changed that hold an open
// document, and publishes what waited for the scan.
func (w *workspace) addScanned(found []string) {
	w.mu.Lock()
	w.scanning--
	var added []string
	for _, p := range found {
		if _, ok := w.files[p]; ok {
			continue
		}
		text, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		w.setTextLocked(p, text, false, 0)
		added = append(added, p)
	}
	w.recomputeRootsLocked()
	// Roots that hold an open document and a file the scan added (an
	// analysis that read it from the disk is not current any more) are
	// analysed again, with those the scan made or changed that hold an
	// open document. Other roots wait for a change, as always.
	var again []string
	for _, p := range added {
		for _, r := range w.rootsOfLocked(p) {
			for m := range r.members {
				if f := w.files[m]; f != nil && f.open {
					again = append(again, p)
				}
			}
		}
	}
	w.changedLocked(again, false)
	// The files of the roots of open documents: their diagnostics were
	// held while the scan ran (publish sends those whose analyses are
	// current; a run in flight publishes the others when it ends).
	held := map[string]bool{}
	for p, f := range w.files {
		if f.open {
			for _, r := range w.rootsOfLocked(p) {
				for m := range r.members {
					held[m] = true
				}
			}
		}
	}
	w.mu.Unlock()
	files := slices.Collect(maps.Keys(held))
	w.publish(files)
}
