// Command hostlet is a tiny stand-in for the kubelet used by kanflow's local
// test cluster (scripts/k8s-local.sh). It registers one Node whose addresses
// are loopback only, runs the commands of the pods bound to it as host
// processes, writes their output as CRI log files and serves the kubelet
// endpoints the API server proxies to (containerLogs, exec) on 127.0.0.1.
// Images, volumes, networking and probes are NOT simulated.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/retry"
	criapi "k8s.io/cri-api/pkg/apis"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
	"k8s.io/cri-client/pkg/logs"
	"k8s.io/cri-streaming/pkg/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"
)

var (
	kubeconfig    = flag.String("kubeconfig", "", "kubeconfig of the hostlet itself")
	podKubeconfig = flag.String("pod-kubeconfig", "", "kubeconfig exported as KUBECONFIG to pod processes")
	nodeName      = flag.String("node-name", "kanflow-local", "name of the Node to register")
	port          = flag.Int("port", 10250, "port of the kubelet API on 127.0.0.1")
	tlsCert       = flag.String("tls-cert-file", "", "serving certificate")
	tlsKey        = flag.String("tls-private-key-file", "", "serving key")
	stateDir      = flag.String("state-dir", "", "directory for container logs and pod dirs")
	clientCA      = flag.String("client-ca-file", "", "if set, clients (the API server) must present a certificate signed by this CA")
)

// container is one run of one container of a pod.
type container struct {
	name      string
	cmd       *exec.Cmd
	logPath   string
	started   time.Time
	done      chan struct{}
	exitCode  int
	finished  time.Time
	restarts  int32
	lastState *corev1.ContainerStateTerminated
}

type podRun struct {
	mu         sync.Mutex
	uid        types.UID
	ns, name   string
	dir        string
	containers map[string]*container
	stopping   bool
	stopped    chan struct{}
	cancel     context.CancelFunc
}

type hostlet struct {
	client kubernetes.Interface
	lister func(ns, name string) (*corev1.Pod, error)
	mu     sync.Mutex
	pods   map[types.UID]*podRun
}

func main() {
	flag.Parse()
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		fatal(err)
	}
	cfg.QPS, cfg.Burst = 50, 100
	client := kubernetes.NewForConfigOrDie(cfg)
	h := &hostlet{client: client, pods: map[types.UID]*podRun{}}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()

	if err := h.registerNode(ctx); err != nil {
		fatal(err)
	}
	go h.heartbeat(ctx)

	factory := informers.NewSharedInformerFactoryWithOptions(client, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) {
			o.FieldSelector = fields.OneTermEqualSelector("spec.nodeName", *nodeName).String()
		}))
	inf := factory.Core().V1().Pods()
	lister := inf.Lister()
	h.lister = func(ns, name string) (*corev1.Pod, error) { return lister.Pods(ns).Get(name) }
	_, _ = inf.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o interface{}) { h.sync(o.(*corev1.Pod)) },
		UpdateFunc: func(_, o interface{}) { h.sync(o.(*corev1.Pod)) },
		DeleteFunc: func(o interface{}) {
			if t, ok := o.(cache.DeletedFinalStateUnknown); ok {
				o = t.Obj
			}
			if p, ok := o.(*corev1.Pod); ok {
				h.forget(p)
			}
		},
	})
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())

	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	mux.HandleFunc("/containerLogs/", h.serveLogs)
	mux.HandleFunc("/exec/", h.serveExec)
	srv := &http.Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(*port)), Handler: mux}
	if *clientCA != "" {
		pem, err := os.ReadFile(*clientCA)
		if err != nil {
			fatal(err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			fatal(fmt.Errorf("no certificate in %s", *clientCA))
		}
		// Like the kubelet's x509 authentication: only the API server may run commands here.
		srv.TLSConfig = &tls.Config{ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS12}
	}
	go func() {
		<-ctx.Done()
		h.killAll()
		_ = srv.Close()
	}()
	fmt.Fprintf(os.Stderr, "hostlet: node %s serving on %s\n", *nodeName, srv.Addr)
	if err := srv.ListenAndServeTLS(*tlsCert, *tlsKey); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "hostlet:", err)
	os.Exit(1)
}

// ---- node ----------------------------------------------------------------

func (h *hostlet) nodeConditions(now metav1.Time) []corev1.NodeCondition {
	c := func(t corev1.NodeConditionType, s corev1.ConditionStatus, reason string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: t, Status: s, Reason: reason, Message: reason, LastHeartbeatTime: now, LastTransitionTime: now}
	}
	return []corev1.NodeCondition{
		c(corev1.NodeReady, corev1.ConditionTrue, "HostletReady"),
		c(corev1.NodeMemoryPressure, corev1.ConditionFalse, "HostletHasSufficientMemory"),
		c(corev1.NodeDiskPressure, corev1.ConditionFalse, "HostletHasNoDiskPressure"),
		c(corev1.NodePIDPressure, corev1.ConditionFalse, "HostletHasSufficientPID"),
		c(corev1.NodeNetworkUnavailable, corev1.ConditionFalse, "HostletNetworkReady"),
	}
}

func (h *hostlet) registerNode(ctx context.Context) error {
	node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: *nodeName, Labels: map[string]string{
		"kubernetes.io/hostname": *nodeName, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
		"kanflow.io/hostlet": "true",
	}}}
	_, err := h.client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return h.updateNodeStatus(ctx, true)
}

func (h *hostlet) updateNodeStatus(ctx context.Context, full bool) error {
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		n, err := h.client.CoreV1().Nodes().Get(ctx, *nodeName, metav1.GetOptions{})
		if err != nil {
			return err
		}
		now := metav1.Now()
		if full || len(n.Status.Conditions) == 0 {
			n.Status.Conditions = h.nodeConditions(now)
		} else {
			for i := range n.Status.Conditions {
				n.Status.Conditions[i].LastHeartbeatTime = now
			}
		}
		capacity := corev1.ResourceList{
			corev1.ResourceCPU:              resource.MustParse("8"),
			corev1.ResourceMemory:           resource.MustParse("32Gi"),
			corev1.ResourcePods:             resource.MustParse("250"),
			corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
		}
		n.Status.Capacity, n.Status.Allocatable = capacity, capacity
		n.Status.Addresses = []corev1.NodeAddress{
			{Type: corev1.NodeInternalIP, Address: "127.0.0.1"},
			{Type: corev1.NodeHostName, Address: "localhost"},
		}
		n.Status.DaemonEndpoints.KubeletEndpoint.Port = int32(*port)
		n.Status.NodeInfo = corev1.NodeSystemInfo{
			OperatingSystem: "linux", Architecture: "amd64", KubeletVersion: "v1.36.3-hostlet",
			ContainerRuntimeVersion: "hostlet://0.1", KernelVersion: "host", OSImage: "host processes",
		}
		_, err = h.client.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{})
		return err
	})
}

func (h *hostlet) heartbeat(ctx context.Context) {
	leases := h.client.CoordinationV1().Leases(corev1.NamespaceNodeLease)
	dur := int32(40)
	for {
		now := metav1.NewMicroTime(time.Now())
		l, err := leases.Get(ctx, *nodeName, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			_, err = leases.Create(ctx, &coordv1.Lease{
				ObjectMeta: metav1.ObjectMeta{Name: *nodeName},
				Spec:       coordv1.LeaseSpec{HolderIdentity: nodeName, LeaseDurationSeconds: &dur, RenewTime: &now},
			}, metav1.CreateOptions{})
		} else if err == nil {
			l.Spec.RenewTime = &now
			_, err = leases.Update(ctx, l, metav1.UpdateOptions{})
		}
		if err != nil && ctx.Err() == nil {
			fmt.Fprintln(os.Stderr, "hostlet: lease:", err)
		}
		if err := h.updateNodeStatus(ctx, false); err != nil && ctx.Err() == nil {
			fmt.Fprintln(os.Stderr, "hostlet: node status:", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(10 * time.Second):
		}
	}
}

// ---- pods ----------------------------------------------------------------

func (h *hostlet) sync(pod *corev1.Pod) {
	h.mu.Lock()
	run := h.pods[pod.UID]
	if run == nil {
		if pod.DeletionTimestamp != nil || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
			h.mu.Unlock()
			if pod.DeletionTimestamp != nil {
				// Nothing runs for it (finished, or never started): finish the deletion.
				go h.finalDelete(pod)
			}
			return
		}
		ctx, cancel := context.WithCancel(context.Background())
		run = &podRun{uid: pod.UID, ns: pod.Namespace, name: pod.Name, containers: map[string]*container{},
			stopped: make(chan struct{}), cancel: cancel,
			dir: filepath.Join(*stateDir, "pods", fmt.Sprintf("%s_%s_%s", pod.Namespace, pod.Name, pod.UID))}
		h.pods[pod.UID] = run
		h.mu.Unlock()
		go h.runPod(ctx, run, pod.DeepCopy())
		return
	}
	h.mu.Unlock()
	if pod.DeletionTimestamp != nil {
		grace := int64(30)
		if pod.DeletionGracePeriodSeconds != nil {
			grace = *pod.DeletionGracePeriodSeconds
		}
		go h.stopPod(run, pod.DeepCopy(), time.Duration(grace)*time.Second)
	}
}

// forget is called when the pod object is gone from the API: kill whatever still runs.
func (h *hostlet) forget(pod *corev1.Pod) {
	h.mu.Lock()
	run := h.pods[pod.UID]
	h.mu.Unlock()
	if run != nil {
		h.kill(run, 0)
		h.mu.Lock()
		delete(h.pods, pod.UID)
		h.mu.Unlock()
	}
}

func (h *hostlet) killAll() {
	h.mu.Lock()
	runs := make([]*podRun, 0, len(h.pods))
	for _, r := range h.pods {
		runs = append(runs, r)
	}
	h.mu.Unlock()
	for _, r := range runs {
		h.kill(r, 2*time.Second)
	}
}

// kill stops all processes of the pod: SIGTERM to each process group, SIGKILL after grace.
func (h *hostlet) kill(run *podRun, grace time.Duration) {
	run.mu.Lock()
	run.stopping = true
	run.cancel()
	var waits []chan struct{}
	for _, c := range run.containers {
		if c.cmd != nil && c.cmd.Process != nil {
			select {
			case <-c.done:
			default:
				_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGTERM)
				waits = append(waits, c.done)
			}
		}
	}
	run.mu.Unlock()
	deadline := time.After(grace)
	for _, w := range waits {
		select {
		case <-w:
		case <-deadline:
		}
	}
	run.mu.Lock()
	for _, c := range run.containers {
		if c.cmd != nil && c.cmd.Process != nil {
			_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		}
	}
	run.mu.Unlock()
	for _, w := range waits {
		<-w
	}
}

func (h *hostlet) stopPod(run *podRun, pod *corev1.Pod, grace time.Duration) {
	run.mu.Lock()
	already := run.stopping
	run.mu.Unlock()
	if already {
		return
	}
	h.kill(run, grace)
	<-run.stopped
	h.finalDelete(pod)
}

func (h *hostlet) finalDelete(pod *corev1.Pod) {
	zero := int64(0)
	err := h.client.CoreV1().Pods(pod.Namespace).Delete(context.Background(), pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: &zero, Preconditions: &metav1.Preconditions{UID: &pod.UID}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		fmt.Fprintln(os.Stderr, "hostlet: final delete:", err)
	}
}

func (h *hostlet) runPod(ctx context.Context, run *podRun, pod *corev1.Pod) {
	defer close(run.stopped)
	start := metav1.Now()
	for _, dir := range []string{run.dir, filepath.Join(run.dir, "volumes")} {
		_ = os.MkdirAll(dir, 0o755)
	}
	h.patchStatus(pod, func(s *corev1.PodStatus) {
		s.Phase = corev1.PodPending
		s.HostIP, s.PodIP = "127.0.0.1", "127.0.0.1"
		s.HostIPs, s.PodIPs = []corev1.HostIP{{IP: "127.0.0.1"}}, []corev1.PodIP{{IP: "127.0.0.1"}}
		s.StartTime = &start
		s.Conditions = conditions(start, false, false)
		s.ContainerStatuses = waitingStatuses(pod.Spec.Containers, "ContainerCreating")
		s.InitContainerStatuses = waitingStatuses(pod.Spec.InitContainers, "PodInitializing")
	})
	// Init containers: in order, each to completion.
	for i, ic := range pod.Spec.InitContainers {
		c := h.startContainer(ctx, run, pod, ic, 0)
		if c == nil {
			return
		}
		h.patchStatus(pod, func(s *corev1.PodStatus) { s.InitContainerStatuses[i] = runningStatus(ic, c) })
		<-c.done
		h.patchStatus(pod, func(s *corev1.PodStatus) { s.InitContainerStatuses[i] = terminatedStatus(ic, c) })
		if c.exitCode != 0 || ctx.Err() != nil {
			h.patchStatus(pod, func(s *corev1.PodStatus) {
				s.Phase, s.Reason = corev1.PodFailed, "InitContainerFailed"
				s.Conditions = conditions(start, false, false)
				s.ContainerStatuses = waitingStatuses(pod.Spec.Containers, "PodInitializing")
			})
			return
		}
	}
	// Main containers: all at once; restarted according to restartPolicy.
	var wg sync.WaitGroup
	var smu, pubMu sync.Mutex
	statuses := make([]corev1.ContainerStatus, len(pod.Spec.Containers))
	running := map[int]bool{}
	publish := func() {
		// Serialized, so that a stale computation never overwrites a newer one.
		pubMu.Lock()
		defer pubMu.Unlock()
		smu.Lock()
		cs := append([]corev1.ContainerStatus(nil), statuses...)
		allDone, anyFailed, ready := true, false, true
		for i, st := range cs {
			if running[i] {
				allDone = false
			} else {
				ready = false
			}
			if st.State.Terminated != nil && st.State.Terminated.ExitCode != 0 {
				anyFailed = true
			}
		}
		smu.Unlock()
		h.patchStatus(pod, func(s *corev1.PodStatus) {
			s.ContainerStatuses = cs
			s.Conditions = conditions(start, true, ready)
			switch {
			case !allDone:
				s.Phase = corev1.PodRunning
			case anyFailed:
				s.Phase = corev1.PodFailed
			default:
				s.Phase = corev1.PodSucceeded
			}
		})
	}
	for i, ct := range pod.Spec.Containers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var restarts int32
			var last *corev1.ContainerStateTerminated
			for {
				c := h.startContainer(ctx, run, pod, ct, restarts)
				if c == nil {
					return
				}
				c.lastState = last
				smu.Lock()
				statuses[i], running[i] = runningStatus(ct, c), true
				smu.Unlock()
				publish()
				<-c.done
				st := terminatedStatus(ct, c)
				last = st.State.Terminated
				policy := pod.Spec.RestartPolicy
				if ct.RestartPolicy != nil {
					policy = corev1.RestartPolicy(*ct.RestartPolicy)
				}
				again := ctx.Err() == nil && (policy == corev1.RestartPolicyAlways ||
					(policy == corev1.RestartPolicyOnFailure && c.exitCode != 0))
				smu.Lock()
				statuses[i], running[i] = st, again
				smu.Unlock()
				if !again {
					if ctx.Err() == nil {
						publish()
					}
					return
				}
				publish()
				restarts++
				backoff := time.Duration(1<<min(restarts, 5)) * time.Second
				select {
				case <-ctx.Done():
					return
				case <-time.After(backoff):
				}
			}
		}()
	}
	wg.Wait()
}

func (h *hostlet) startContainer(ctx context.Context, run *podRun, pod *corev1.Pod, ct corev1.Container, restarts int32) *container {
	run.mu.Lock()
	defer run.mu.Unlock()
	if run.stopping || ctx.Err() != nil {
		return nil
	}
	logDir := filepath.Join(run.dir, "logs", ct.Name)
	_ = os.MkdirAll(logDir, 0o755)
	c := &container{name: ct.Name, done: make(chan struct{}), restarts: restarts,
		logPath: filepath.Join(logDir, fmt.Sprintf("%d.log", restarts)), started: time.Now()}
	env := h.containerEnv(pod, ct)
	argv := append(expand(ct.Command, env), expand(ct.Args, env)...)
	if len(argv) == 0 {
		// No command and no image to take an entrypoint from: behave like a pause container.
		argv = []string{"sleep", "infinity"}
	}
	lf, err := os.OpenFile(c.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hostlet: log file:", err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = envList(env)
	cmd.Dir = workDir(run, ct)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	lw := &criLogWriter{f: lf}
	stdoutR, stdoutW, err1 := os.Pipe()
	stderrR, stderrW, err2 := os.Pipe()
	if err := errors.Join(err1, err2); err != nil {
		fmt.Fprintln(os.Stderr, "hostlet: pipe:", err)
		return nil
	}
	cmd.Stdout, cmd.Stderr = stdoutW, stderrW
	var copies sync.WaitGroup
	copies.Add(2)
	go func() { defer copies.Done(); lw.copy("stdout", stdoutR) }()
	go func() { defer copies.Done(); lw.copy("stderr", stderrR) }()
	c.cmd = cmd
	run.containers[ct.Name] = c
	err = cmd.Start()
	// The child has its own copies of the write ends now.
	_ = stdoutW.Close()
	_ = stderrW.Close()
	if err != nil {
		copies.Wait()
		lw.line("stderr", []byte("hostlet: cannot start container: "+err.Error()))
		if lf != nil {
			_ = lf.Close()
		}
		c.cmd = nil
		c.exitCode, c.finished = 128, time.Now()
		close(c.done)
		return c
	}
	go func() {
		err := cmd.Wait()
		// Like PID 1 of a container: when the main process ends, everything else
		// it started in its process group ends too.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		copies.Wait()
		_ = stdoutR.Close()
		_ = stderrR.Close()
		if lf != nil {
			_ = lf.Close()
		}
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				code = 128 + int(ws.Signal())
			} else {
				code = ee.ExitCode()
			}
		} else if err != nil {
			code = 128
		}
		run.mu.Lock()
		c.exitCode, c.finished = code, time.Now()
		run.mu.Unlock()
		close(c.done)
	}()
	return c
}

func workDir(run *podRun, ct corev1.Container) string {
	if ct.WorkingDir != "" {
		if st, err := os.Stat(ct.WorkingDir); err == nil && st.IsDir() {
			return ct.WorkingDir
		}
	}
	d := filepath.Join(run.dir, "work", ct.Name)
	_ = os.MkdirAll(d, 0o755)
	return d
}

// ---- status helpers --------------------------------------------------------

func (h *hostlet) patchStatus(pod *corev1.Pod, mutate func(*corev1.PodStatus)) {
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		cur, err := h.client.CoreV1().Pods(pod.Namespace).Get(context.Background(), pod.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		if cur.UID != pod.UID {
			return nil
		}
		mutate(&cur.Status)
		_, err = h.client.CoreV1().Pods(pod.Namespace).UpdateStatus(context.Background(), cur, metav1.UpdateOptions{})
		return err
	})
	if err != nil && !apierrors.IsNotFound(err) {
		fmt.Fprintln(os.Stderr, "hostlet: pod status:", err)
	}
}

func conditions(t metav1.Time, initialized, ready bool) []corev1.PodCondition {
	b := func(v bool) corev1.ConditionStatus {
		if v {
			return corev1.ConditionTrue
		}
		return corev1.ConditionFalse
	}
	return []corev1.PodCondition{
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: t},
		{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionTrue, LastTransitionTime: t},
		{Type: corev1.PodInitialized, Status: b(initialized), LastTransitionTime: t},
		{Type: corev1.ContainersReady, Status: b(ready), LastTransitionTime: metav1.Now()},
		{Type: corev1.PodReady, Status: b(ready), LastTransitionTime: metav1.Now()},
	}
}

func waitingStatuses(cs []corev1.Container, reason string) []corev1.ContainerStatus {
	out := make([]corev1.ContainerStatus, len(cs))
	for i, c := range cs {
		out[i] = corev1.ContainerStatus{Name: c.Name, Image: c.Image, ImageID: "hostlet://" + c.Image,
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}}
	}
	return out
}

func containerID(c *container) string {
	pid := 0
	if c.cmd != nil && c.cmd.Process != nil {
		pid = c.cmd.Process.Pid
	}
	return fmt.Sprintf("hostlet://%d", pid)
}

func runningStatus(ct corev1.Container, c *container) corev1.ContainerStatus {
	started := true
	st := corev1.ContainerStatus{Name: ct.Name, Image: ct.Image, ImageID: "hostlet://" + ct.Image,
		ContainerID: containerID(c), Ready: true, Started: &started, RestartCount: c.restarts,
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(c.started)}}}
	if c.lastState != nil {
		st.LastTerminationState.Terminated = c.lastState
	}
	return st
}

func terminatedStatus(ct corev1.Container, c *container) corev1.ContainerStatus {
	st := runningStatus(ct, c)
	st.Ready, st.Started = false, new(bool)
	reason := "Completed"
	if c.exitCode != 0 {
		reason = "Error"
	}
	st.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
		ExitCode: int32(c.exitCode), Reason: reason, ContainerID: st.ContainerID,
		StartedAt: metav1.NewTime(c.started), FinishedAt: metav1.NewTime(c.finished)}}
	return st
}

// ---- environment -------------------------------------------------------------

type envVar struct{ name, value string }

func (h *hostlet) containerEnv(pod *corev1.Pod, ct corev1.Container) []envVar {
	ctx := context.Background()
	var env []envVar
	set := func(k, v string) {
		for i := range env {
			if env[i].name == k {
				env[i].value = v
				return
			}
		}
		env = append(env, envVar{k, v})
	}
	for _, k := range []string{"PATH", "HOME", "USER", "LANG", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			set(k, v)
		}
	}
	set("HOSTNAME", pod.Name)
	if *podKubeconfig != "" {
		set("KUBECONFIG", *podKubeconfig)
	}
	for _, ef := range ct.EnvFrom {
		var data map[string]string
		switch {
		case ef.ConfigMapRef != nil:
			if cm, err := h.client.CoreV1().ConfigMaps(pod.Namespace).Get(ctx, ef.ConfigMapRef.Name, metav1.GetOptions{}); err == nil {
				data = cm.Data
			}
		case ef.SecretRef != nil:
			if s, err := h.client.CoreV1().Secrets(pod.Namespace).Get(ctx, ef.SecretRef.Name, metav1.GetOptions{}); err == nil {
				data = map[string]string{}
				for k, v := range s.Data {
					data[k] = string(v)
				}
			}
		}
		for k, v := range data {
			set(ef.Prefix+k, v)
		}
	}
	for _, e := range ct.Env {
		if e.ValueFrom == nil {
			set(e.Name, expandString(e.Value, env))
			continue
		}
		if v, ok := h.resolve(ctx, pod, e.ValueFrom); ok {
			set(e.Name, v)
		}
	}
	return env
}

func (h *hostlet) resolve(ctx context.Context, pod *corev1.Pod, src *corev1.EnvVarSource) (string, bool) {
	switch {
	case src.FieldRef != nil:
		p := src.FieldRef.FieldPath
		switch {
		case p == "metadata.name":
			return pod.Name, true
		case p == "metadata.namespace":
			return pod.Namespace, true
		case p == "metadata.uid":
			return string(pod.UID), true
		case p == "spec.nodeName":
			return pod.Spec.NodeName, true
		case p == "spec.serviceAccountName":
			return pod.Spec.ServiceAccountName, true
		case p == "status.podIP", p == "status.hostIP", p == "status.podIPs", p == "status.hostIPs":
			return "127.0.0.1", true
		case strings.HasPrefix(p, "metadata.labels['"):
			return pod.Labels[strings.TrimSuffix(strings.TrimPrefix(p, "metadata.labels['"), "']")], true
		case strings.HasPrefix(p, "metadata.annotations['"):
			return pod.Annotations[strings.TrimSuffix(strings.TrimPrefix(p, "metadata.annotations['"), "']")], true
		}
	case src.ConfigMapKeyRef != nil:
		cm, err := h.client.CoreV1().ConfigMaps(pod.Namespace).Get(ctx, src.ConfigMapKeyRef.Name, metav1.GetOptions{})
		if err == nil {
			v, ok := cm.Data[src.ConfigMapKeyRef.Key]
			return v, ok
		}
	case src.SecretKeyRef != nil:
		s, err := h.client.CoreV1().Secrets(pod.Namespace).Get(ctx, src.SecretKeyRef.Name, metav1.GetOptions{})
		if err == nil {
			v, ok := s.Data[src.SecretKeyRef.Key]
			return string(v), ok
		}
	}
	return "", false
}

func envList(env []envVar) []string {
	out := make([]string, 0, len(env))
	for _, e := range env {
		out = append(out, e.name+"="+e.value)
	}
	return out
}

// expandString implements Kubernetes' $(VAR) expansion ($$ escapes).
func expandString(s string, env []envVar) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteByte(s[i])
				continue
			}
			name := s[i+2 : i+2+end]
			found := false
			for _, e := range env {
				if e.name == name {
					b.WriteString(e.value)
					found = true
					break
				}
			}
			if !found {
				b.WriteString("$(" + name + ")")
			}
			i += 2 + end
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func expand(ss []string, env []envVar) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = expandString(s, env)
	}
	return out
}

// ---- CRI log files -----------------------------------------------------------

type criLogWriter struct {
	mu sync.Mutex
	f  *os.File
}

func (w *criLogWriter) copy(stream string, r io.Reader) {
	br := bufio.NewReaderSize(r, 16*1024)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			tag := "P"
			if line[len(line)-1] == '\n' {
				tag, line = "F", line[:len(line)-1]
			}
			w.write(stream, tag, line)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			_, _ = io.Copy(io.Discard, r)
			return
		}
	}
}

func (w *criLogWriter) line(stream string, b []byte) { w.write(stream, "F", b) }

func (w *criLogWriter) write(stream, tag string, b []byte) {
	if w.f == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ts := time.Now().UTC().Format(logs.RFC3339NanoFixed)
	_, _ = fmt.Fprintf(w.f, "%s %s %s %s\n", ts, stream, tag, b)
}

// ---- kubelet API ---------------------------------------------------------------

func (h *hostlet) find(ns, name, uid string) (*corev1.Pod, *podRun) {
	pod, err := h.lister(ns, name)
	if err != nil || (uid != "" && string(pod.UID) != uid) {
		return nil, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return pod, h.pods[pod.UID]
}

// runtimeStatus answers the "is the container still running" question that the
// CRI log reader asks while following a log.
type runtimeStatus struct {
	criapi.RuntimeService
	c *container
}

func (r runtimeStatus) ContainerStatus(context.Context, string, bool) (*runtimeapi.ContainerStatusResponse, error) {
	state := runtimeapi.ContainerState_CONTAINER_RUNNING
	select {
	case <-r.c.done:
		state = runtimeapi.ContainerState_CONTAINER_EXITED
	default:
	}
	return &runtimeapi.ContainerStatusResponse{Status: &runtimeapi.ContainerStatus{State: state}}, nil
}

// GET /containerLogs/{namespace}/{pod}/{container}
func (h *hostlet) serveLogs(w http.ResponseWriter, req *http.Request) {
	parts := strings.Split(strings.TrimPrefix(req.URL.Path, "/containerLogs/"), "/")
	if len(parts) != 3 {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	pod, run := h.find(parts[0], parts[1], "")
	if pod == nil || run == nil {
		http.Error(w, fmt.Sprintf("pod %s/%s not found on node %s", parts[0], parts[1], *nodeName), http.StatusNotFound)
		return
	}
	q := req.URL.Query()
	run.mu.Lock()
	c := run.containers[parts[2]]
	run.mu.Unlock()
	if c == nil {
		http.Error(w, fmt.Sprintf("container %q in pod %q is waiting to start", parts[2], parts[1]), http.StatusBadRequest)
		return
	}
	path := c.logPath
	if q.Get("previous") == "true" {
		if c.restarts == 0 {
			http.Error(w, fmt.Sprintf("previous terminated container %q in pod %q not found", parts[2], parts[1]), http.StatusBadRequest)
			return
		}
		path = filepath.Join(filepath.Dir(c.logPath), fmt.Sprintf("%d.log", c.restarts-1))
		c = &container{done: closed}
	}
	opts := &logs.LogOptions{Follow: q.Get("follow") == "true", Timestamp: q.Get("timestamps") == "true"}
	if v, err := strconv.ParseInt(q.Get("tailLines"), 10, 64); err == nil {
		opts.TailLines = &v
	}
	if v, err := strconv.ParseInt(q.Get("limitBytes"), 10, 64); err == nil {
		opts.LimitBytes = &v
	}
	if v, err := strconv.ParseInt(q.Get("sinceSeconds"), 10, 64); err == nil {
		opts.Since = time.Now().Add(-time.Duration(v) * time.Second)
	}
	if v, err := time.Parse(time.RFC3339, q.Get("sinceTime")); err == nil {
		opts.Since = v
	}
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Transfer-Encoding", "chunked")
	w.WriteHeader(http.StatusOK)
	fw := &flushWriter{w: w}
	if f, ok := w.(http.Flusher); ok {
		fw.f = f
		f.Flush()
	}
	if err := logs.ReadLogs(req.Context(), path, "c", opts, runtimeStatus{c: c}, fw, fw); err != nil && req.Context().Err() == nil {
		fmt.Fprintln(os.Stderr, "hostlet: logs:", err)
	}
}

var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

type flushWriter struct {
	mu sync.Mutex
	w  io.Writer
	f  http.Flusher
}

func (fw *flushWriter) Write(p []byte) (int, error) {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	n, err := fw.w.Write(p)
	if fw.f != nil {
		fw.f.Flush()
	}
	return n, err
}

// /exec/{namespace}/{pod}/{container} or /exec/{namespace}/{pod}/{uid}/{container}
func (h *hostlet) serveExec(w http.ResponseWriter, req *http.Request) {
	parts := strings.Split(strings.TrimPrefix(req.URL.Path, "/exec/"), "/")
	var uid string
	switch len(parts) {
	case 3:
	case 4:
		uid, parts = parts[2], []string{parts[0], parts[1], parts[3]}
	default:
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	pod, run := h.find(parts[0], parts[1], uid)
	if pod == nil || run == nil {
		http.Error(w, "pod not found", http.StatusNotFound)
		return
	}
	var ct *corev1.Container
	for i := range pod.Spec.Containers {
		if pod.Spec.Containers[i].Name == parts[2] {
			ct = &pod.Spec.Containers[i]
		}
	}
	if ct == nil {
		http.Error(w, "container not found", http.StatusNotFound)
		return
	}
	opts, err := remotecommand.NewOptions(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	cmd := req.URL.Query()["command"]
	remotecommand.ServeExec(w, req, &executor{h: h, pod: pod, run: run, ct: *ct}, pod.Name, string(pod.UID), ct.Name,
		cmd, opts, 4*time.Hour, 30*time.Second, remotecommand.SupportedStreamingProtocols)
}

type executor struct {
	h   *hostlet
	pod *corev1.Pod
	run *podRun
	ct  corev1.Container
}

func (e *executor) ExecInContainer(ctx context.Context, _, _, _ string, argv []string, in io.Reader, out, errw io.WriteCloser, _ bool, _ <-chan remotecommand.TerminalSize, _ time.Duration) error {
	if len(argv) == 0 {
		return fmt.Errorf("no command")
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = envList(e.h.containerEnv(e.pod, e.ct))
	cmd.Dir = workDir(e.run, e.ct)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	// stdin may never be closed by the client: do not wait for it after the process ended.
	cmd.WaitDelay = 2 * time.Second
	if in != nil {
		cmd.Stdin = in
	}
	if out != nil {
		cmd.Stdout = out
	}
	if errw != nil {
		cmd.Stderr = errw
	}
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return utilexec.CodeExitError{Err: err, Code: ee.ExitCode()}
	}
	return err
}
