//! The command line (SPEC §1).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands;
use crate::diag::Lang;

#[derive(Debug, Parser)]
#[command(
    name = "qingpai",
    version,
    about = "清牌：按标准检查村(社区)标识标牌清单，生成公示网站、制作图纸和摸底统计",
    long_about = None
)]
pub struct Cli {
    /// 内容文件夹（site.yaml、communities/ 所在处） / the content folder
    #[arg(long, global = true, default_value = "content", value_name = "DIR")]
    pub content: PathBuf,

    /// 消息语言 / language of messages
    #[arg(long, global = true, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 检查并生成公示网站（写入 output/） / validate, then write the whole site
    Build {
        /// 输出文件夹 / the output folder
        #[arg(long, default_value = "output", value_name = "DIR")]
        output: PathBuf,
        /// 有错误级别的问题时以状态 1 退出（用于自动检查） / exit 1 on any error-severity finding
        #[arg(long)]
        strict: bool,
        /// 网站发布的地址，如 https://example.gov.cn/qingpai/ / the URL the site is served from
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// 不生成 PDF / skip the PDFs
        #[arg(long)]
        no_pdf: bool,
        /// 不生成大门示意图的 PNG 预览 / skip the PNG previews
        #[arg(long)]
        no_previews: bool,
    },
    /// 生成并在本机预览网站，修改清单后自动更新 / build, serve and rebuild on every change
    Serve {
        /// 监听的地址（默认只有本机能访问） / the address to listen on (loopback by default)
        #[arg(long, default_value = "127.0.0.1")]
        interface: String,
        /// 端口（0 表示自动选一个空闲端口） / the port (0 picks a free one)
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// 定时检查文件，而不用系统的文件变化通知（网络共享文件夹用） / poll for changes (network shares)
        #[arg(long)]
        poll: bool,
        /// 不生成大门示意图的 PNG 预览 / skip the PNG previews
        #[arg(long)]
        no_previews: bool,
        /// 不生成 PDF / skip the PDFs
        #[arg(long)]
        no_pdf: bool,
        /// 另外允许用这个名字访问（可写多次；默认只认 localhost 和 IP 地址，防 DNS 重绑定） / also answer requests for this host name (repeatable)
        #[arg(long = "allowed-host", value_name = "NAME")]
        allowed_hosts: Vec<String>,
    },
    /// 只检查，一次报告所有问题 / validate only, report every problem in one run
    Check {
        /// 输出格式 / output format
        #[arg(long, value_enum, default_value_t = commands::check::Format::Text)]
        format: commands::check::Format,
    },
    /// 生成一份合规的清单模板 / write a compliant starting inventory
    New {
        /// 乡镇/编号，如 城关镇/hongqi / TOWN/ID
        #[arg(value_name = "TOWN/ID")]
        target: String,
        /// 村(社区)全称，如 红旗社区 / the full name
        #[arg(long)]
        name: String,
        /// community（社区）或 village（村）
        #[arg(long, value_enum)]
        kind: commands::new::KindArg,
    },
    /// 打印清单文件的 JSON Schema，供编辑器提示 / print the JSON Schema of a community file
    Schema {
        /// 写入文件而不是打印 / write to a file instead
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// 打印内置标准（YAML），可复制为 content/standard.yaml 修改 / print the built-in standard
    Standard,
    /// 摸底统计表：每个村(社区)一行，另有合计 / the survey table, one row per community
    Stats {
        /// csv（Excel/WPS 可直接打开）、json 或 xlsx / csv, json or xlsx
        #[arg(long, value_enum, default_value_t = commands::stats::Format::Csv)]
        format: commands::stats::Format,
        /// 写入文件而不是打印 / write to a file
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}
