/** The decoded Collector config from the seed document, section 2.1 (verbatim). */
export const SEED_CONFIG = `
# OpenTelemetry Collector 配置
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
      http:
        endpoint: 0.0.0.0:4318

processors:
  # 批处理优化
  batch:
    timeout: 10s
    send_batch_size: 1024
  
  # 内存限制器
  memory_limiter:
    check_interval: 1s
    limit_mib: 512
    spike_limit_mib: 128
  
  # OTTL 转换规则（动态下发）
  transform:
    error_mode: ignore
    traces:
      # 生产环境脱敏
      - set(attributes["user.id"], SHA256(attributes["user.id"])) 
        where resource.attributes["env"] == "prod"
      
      # 超时标记
      - set(status.message, "timeout_exceeded") 
        where duration > Duration("3s")
      
      # 降维处理
      - delete_key(attributes, "http.request.header.cookie")
      - delete_key(attributes, "http.request.header.authorization")
  
  # 尾部采样（保留错误和慢请求）
  tail_sampling:
    decision_wait: 10s
    num_traces: 100000
    policies:
      - name: errors
        type: status_code
        status_code: {status_codes: [ERROR]}
      - name: slow
        type: latency
        latency: {threshold_ms: 1000}
      - name: probabilistic
        type: probabilistic
        probabilistic: {sampling_percentage: 10}

exporters:
  # 主后端
  otlp/primary:
    endpoint: traces-backend.example.com:4317
    tls:
      insecure: false
      cert_file: /etc/certs/client.crt
      key_file: /etc/certs/client.key
    retry_on_failure:
      enabled: true
      initial_interval: 1s
      max_interval: 30s
    sending_queue:
      enabled: true
      num_consumers: 10
      queue_size: 5000
  
  # 备份后端
  otlp/backup:
    endpoint: traces-backup.example.com:4317
    tls:
      insecure: false

service:
  pipelines:
    traces:
      receivers: [otlp]
      processors: [memory_limiter, batch, transform, tail_sampling]
      exporters: [otlp/primary, otlp/backup]
  
  # 遥测配置
  telemetry:
    logs:
      level: info
    metrics:
      address: 0.0.0.0:8888
`;
